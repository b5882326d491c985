import { divRound } from '@storegraph/schema';

/**
 * Sell-through in basis points: sold / (sold + on hand at the end) x 10,000, rounded half up by the money
 * path's one rounding rule (so 1 of 3 is 3,333 and 2 of 3 is 6,667). Null when nothing was sold or held: 0 %
 * would claim the variant failed to sell stock it never had.
 */
export function sellThroughBasisPoints(sold: number, onHandAtEnd: number): number | null {
  if (sold < 0 || onHandAtEnd < 0) throw new RangeError(`sold ${sold} and on hand ${onHandAtEnd} cannot be negative`);
  const offered = sold + onHandAtEnd;
  if (offered === 0) return null;
  return Number(divRound(BigInt(sold) * 10_000n, BigInt(offered)));
}
