export type PriceLevel = 'BASE' | 'CHANNEL' | 'GROUP' | 'COMPANY';

export interface PriceCandidate {
  entryId: number;
  variantId: string;
  bookId: string;
  level: PriceLevel;
  currency: string;
  amount: number;
  compareAt: number | null;
  minQuantity: number;
  validFrom: Date | null;
  validTo: Date | null;
}

export type Selection =
  | { kind: 'selected'; winner: PriceCandidate; list: PriceCandidate | null }
  | { kind: 'none' }
  | { kind: 'ambiguous'; candidates: PriceCandidate[] };

/** A variation point: a project can rank candidates differently (e.g. lowest price wins). */
export interface PriceSelectionStrategy {
  select(candidates: readonly PriceCandidate[], quantity: number): Selection;
}
