export type PriceLevel = 'BASE' | 'CHANNEL' | 'GROUP' | 'COMPANY';

export interface PriceCandidate {
  entryId: number;
  variantId: string;
  bookId: string;
  bookName: string;
  level: PriceLevel;
  currency: string;
  taxIncluded: boolean;
  amount: number;
  compareAt: number | null;
  minQuantity: number;
  validFrom: Date | null;
  validTo: Date | null;
}

/** Why a candidate did or did not win; `priceExplain` shows one per candidate. */
export type CandidateStatus =
  | 'WINNER'
  | 'AMBIGUOUS'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'TIER_NOT_REACHED'
  | 'LESS_SPECIFIC_LEVEL'
  | 'LOWER_TIER'
  | 'OLDER_WINDOW'
  | 'OTHER_CURRENCY';

export interface CandidateVerdict {
  candidate: PriceCandidate;
  status: CandidateStatus;
  reason: string;
}

export type Selection =
  | { kind: 'selected'; winner: PriceCandidate; list: PriceCandidate | null }
  | { kind: 'none' }
  | { kind: 'ambiguous'; candidates: PriceCandidate[] };

/**
 * A variation point: a project can rank candidates differently (e.g. lowest price wins). `candidates`
 * are all in one currency and all in books the caller may see; `now` decides the time windows.
 */
export interface PriceSelectionStrategy {
  select(candidates: readonly PriceCandidate[], quantity: number, now: Date): Selection;
  explain(candidates: readonly PriceCandidate[], quantity: number, now: Date): CandidateVerdict[];
}
