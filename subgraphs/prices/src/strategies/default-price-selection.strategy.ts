import type { CandidateVerdict, PriceCandidate, PriceLevel, PriceSelectionStrategy } from './price-selection.strategy.ts';

const LEVEL_RANK: Record<PriceLevel, number> = { BASE: 0, CHANNEL: 1, GROUP: 2, COMPANY: 3 };
const NEVER = Number.NEGATIVE_INFINITY;

function inWindow(c: PriceCandidate, now: Date): 'NOT_YET_VALID' | 'EXPIRED' | null {
  if (c.validFrom && c.validFrom.getTime() > now.getTime()) return 'NOT_YET_VALID';
  if (c.validTo && c.validTo.getTime() <= now.getTime()) return 'EXPIRED';
  return null;
}

/** Positive when `a` beats `b`: level, then tier reached, then the later window start. */
function compare(a: PriceCandidate, b: PriceCandidate): number {
  return (
    LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || a.minQuantity - b.minQuantity || (a.validFrom?.getTime() ?? NEVER) - (b.validFrom?.getTime() ?? NEVER) || 0
  );
}

function live(candidates: readonly PriceCandidate[], quantity: number, now: Date) {
  return candidates.filter((c) => inWindow(c, now) === null && c.minQuantity <= quantity);
}

function top(candidates: readonly PriceCandidate[]): PriceCandidate[] {
  let best: PriceCandidate[] = [];
  for (const c of candidates) {
    const cmp = best[0] ? compare(c, best[0]) : 1;
    if (cmp > 0) best = [c];
    else if (cmp === 0) best.push(c);
  }
  return best;
}

/**
 * The documented resolution order (see the package README):
 * 1. only entries whose window contains `now` and whose tier the quantity reaches take part;
 * 2. the most specific level wins: COMPANY > GROUP > CHANNEL > BASE;
 * 3. within it the highest tier reached (largest min_quantity <= quantity);
 * 4. then the entry whose window started latest (a dated sale entry beats the evergreen price);
 * 5. candidates still equal are a configuration error: no price is chosen, staff see it in
 *    `pricingConfigurationIssues` and in the log. Never a coin toss.
 */
export const defaultPriceSelection: PriceSelectionStrategy = {
  select(candidates, quantity, now) {
    const best = top(live(candidates, quantity, now));
    if (best.length === 0) return { kind: 'none' };
    if (best.length > 1) return { kind: 'ambiguous', candidates: best };
    const list = top(
      live(
        candidates.filter((c) => c.level === 'BASE'),
        1,
        now,
      ),
    );
    return { kind: 'selected', winner: best[0]!, list: list.length === 1 ? list[0]! : null };
  },

  explain(candidates, quantity, now) {
    const best = top(live(candidates, quantity, now));
    const winner = best.length === 1 ? best[0]! : null;
    return candidates.map((c): CandidateVerdict => {
      const window = inWindow(c, now);
      if (window === 'NOT_YET_VALID') return { candidate: c, status: window, reason: `valid only from ${c.validFrom!.toISOString()}` };
      if (window === 'EXPIRED') return { candidate: c, status: window, reason: `expired at ${c.validTo!.toISOString()}` };
      if (c.minQuantity > quantity) return { candidate: c, status: 'TIER_NOT_REACHED', reason: `tier starts at ${c.minQuantity}, quantity is ${quantity}` };
      if (best.includes(c)) {
        return winner
          ? { candidate: c, status: 'WINNER', reason: `most specific level (${c.level}), highest tier reached (${c.minQuantity}+), latest window` }
          : { candidate: c, status: 'AMBIGUOUS', reason: `${best.length} candidates tie on level, tier and window: a configuration error` };
      }
      const head = best[0]!;
      if (LEVEL_RANK[c.level] < LEVEL_RANK[head.level]) {
        return { candidate: c, status: 'LESS_SPECIFIC_LEVEL', reason: `${head.level} is more specific than ${c.level}` };
      }
      if (c.minQuantity < head.minQuantity) {
        return { candidate: c, status: 'LOWER_TIER', reason: `the ${head.minQuantity}+ tier applies at quantity ${quantity}` };
      }
      return { candidate: c, status: 'OLDER_WINDOW', reason: 'an entry whose window started later applies' };
    });
  },
};
