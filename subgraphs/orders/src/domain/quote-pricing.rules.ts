import { divRound } from '@storegraph/schema';
import type { CartQuote } from '../clients/prices.client.ts';

const BP = 10_000n;

/**
 * A cart quote from prices with staff's quoted unit prices put in place of the list prices: the pinned prices
 * replace promotions too (a quote is the negotiated price, so no coupon or promotion applies on top of it).
 * Tax is recomputed per line at the rate prices found, with the same rule prices uses (tax once per line,
 * `divRound`, net + tax = gross on every line); shipping stays as prices charged it. Pure: no I/O.
 * Returns null when a line of the cart has no quoted price (the cart is not the quoted one).
 */
export function pinQuotedPrices(quote: CartQuote, units: ReadonlyMap<string, number>): CartQuote | null {
  if (quote.lines.length !== units.size) return null;
  let subtotal = 0n;
  let tax = 0n;
  let gross = 0n;
  const lines: CartQuote['lines'] = [];
  for (const l of quote.lines) {
    const unit = units.get(l.variantId);
    if (unit === undefined) return null;
    const total = BigInt(unit) * BigInt(l.quantity);
    const rate = BigInt(l.taxRateBp ?? 0);
    const lineTax = quote.taxIncluded ? divRound(total * rate, BP + rate) : divRound(total * rate, BP);
    subtotal += total;
    tax += lineTax;
    gross += quote.taxIncluded ? total : total + lineTax;
    lines.push({ ...l, unit, subtotal: Number(total), discount: 0, total: Number(total), tax: Number(lineTax) });
  }
  const shipping = quote.shipping;
  if (shipping) {
    tax += BigInt(shipping.tax);
    gross += BigInt(shipping.amount) + (quote.taxIncluded ? 0n : BigInt(shipping.tax));
  }
  return {
    ...quote,
    lines,
    promotionIds: [],
    rejectedCoupons: [],
    subtotal: Number(subtotal),
    discountTotal: 0,
    tax: Number(tax),
    total: Number(gross),
  };
}
