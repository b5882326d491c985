import type { CartRow } from './cart.service.ts';
import type { CartQuote, QuoteAnswer, QuoteRequest } from '../clients/prices.client.ts';

export interface CartProblem {
  code:
    | 'EMPTY'
    | 'NOT_SOLD'
    | 'NOT_PRICED'
    | 'NO_EMAIL'
    | 'NO_ADDRESS'
    | 'NO_SHIPPING_METHOD'
    | 'SHIPPING_NOT_AVAILABLE'
    | 'PICKUP_NOT_AVAILABLE'
    | 'SOURCE_NOT_AVAILABLE';
  message: string;
  variantId?: string;
}

/** What the quote is asked for a cart: its lines, coupons, destination and shipping method. */
export function quoteRequestOf(cart: CartRow, lines: { variantId: string; quantity: number }[]): QuoteRequest {
  const to = cart.shippingAddress;
  return {
    lines: lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    couponCodes: cart.couponCodes,
    // Click & collect is taxed where the channel sells (the shop), not at a shipping address.
    shipTo: to && !cart.pickupLocationId ? { country: to.country, region: to.region ?? null } : null,
    shippingMethod: cart.shippingMethod,
  };
}

/** What the cart itself lacks before it can be ordered (no I/O). */
export function detailProblems(cart: CartRow, lineCount: number): CartProblem[] {
  const problems: CartProblem[] = [];
  if (lineCount === 0) problems.push({ code: 'EMPTY', message: 'the cart has no lines' });
  if (!cart.email && !cart.customerId) problems.push({ code: 'NO_EMAIL', message: 'an email address is needed for the order confirmation' });
  if (!cart.shippingAddress && !cart.pickupLocationId) problems.push({ code: 'NO_ADDRESS', message: 'a shipping address or a pickup shop is needed' });
  if (!cart.shippingMethod) problems.push({ code: 'NO_SHIPPING_METHOD', message: 'choose a shipping method' });
  return problems;
}

/** What the quote says stands in the way (lines the channel does not sell or price, shipping that cannot take the cart). */
export function quoteProblems(quote: QuoteAnswer | null): CartProblem[] {
  if (!quote || quote.__typename === 'Quote') return [];
  if (quote.__typename === 'ShippingNotAvailable') return [{ code: 'SHIPPING_NOT_AVAILABLE', message: quote.message }];
  return quote.unpriced.map((u) => ({
    code: u.reason === 'NOT_IN_CHANNEL' || u.reason === 'NOT_SOLD' ? 'NOT_SOLD' : 'NOT_PRICED',
    message: u.message,
    variantId: u.variantId,
  }));
}

export const isQuote = (q: QuoteAnswer | null): q is CartQuote => q?.__typename === 'Quote';
