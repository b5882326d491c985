import type { PriceCandidate, PriceLevel, PriceSelectionStrategy } from './price-selection.strategy.ts';

const LEVEL_RANK: Record<PriceLevel, number> = { BASE: 0, CHANNEL: 1, GROUP: 2, COMPANY: 3 };

/** Among candidates that apply at `quantity`: the highest tier reached at the most specific level. */
function best(candidates: readonly PriceCandidate[], quantity: number): PriceCandidate[] {
  let top: PriceCandidate[] = [];
  for (const c of candidates) {
    if (c.minQuantity > quantity) continue;
    const head = top[0];
    const cmp = head ? LEVEL_RANK[c.level] - LEVEL_RANK[head.level] || c.minQuantity - head.minQuantity : 1;
    if (cmp > 0) top = [c];
    else if (cmp === 0) top.push(c);
  }
  return top;
}

/**
 * Deterministic resolution: most specific level wins (company > group > channel > base), then the
 * highest volume tier the quantity reaches. Candidates already lie in their validity window. Two
 * candidates left equal are a configuration error reported to staff, never a coin toss.
 */
export const defaultPriceSelection: PriceSelectionStrategy = {
  select(candidates, quantity) {
    const top = best(candidates, quantity);
    if (top.length === 0) return { kind: 'none' };
    if (top.length > 1) return { kind: 'ambiguous', candidates: top };
    const baseTop = best(
      candidates.filter((c) => c.level === 'BASE'),
      1,
    );
    return { kind: 'selected', winner: top[0]!, list: baseTop.length === 1 ? baseTop[0]! : null };
  },
};
