import { divRound } from '@storegraph/schema';

/**
 * Tax arithmetic. The one rounding rule: tax is computed once per line (unit price x quantity, after
 * that line's discounts) with `divRound` (half away from zero), and the other side of the line is
 * derived by subtraction or addition, so net + tax = gross holds exactly on every line and therefore
 * on every total (totals are sums of lines, never recomputed from a rate).
 */
export const BP = 10_000n;

export interface TaxSplit {
  net: bigint;
  tax: bigint;
  gross: bigint;
}

/** Splits an amount that is gross (`includesTax`) or net into net, tax and gross at `rateBp`. */
export function splitTax(amount: bigint, rateBp: number, includesTax: boolean): TaxSplit {
  const rate = BigInt(rateBp);
  if (includesTax) {
    const tax = divRound(amount * rate, BP + rate);
    return { net: amount - tax, tax, gross: amount };
  }
  const tax = divRound(amount * rate, BP);
  return { net: amount, tax, gross: amount + tax };
}

/**
 * Moves a unit price between gross and net (a gross consumer list priced in a net trade channel, or the
 * reverse), with the same rule as `splitTax` so a unit converted here splits back to itself.
 */
export function toTaxBasis(amount: bigint, rateBp: number, fromIncludesTax: boolean, toIncludesTax: boolean): bigint {
  if (fromIncludesTax === toIncludesTax) return amount;
  const split = splitTax(amount, rateBp, fromIncludesTax);
  return toIncludesTax ? split.gross : split.net;
}

/** `bp` basis points of `amount`, same rounding rule. */
export function percentOf(amount: bigint, bp: number): bigint {
  return divRound(amount * BigInt(bp), BP);
}
