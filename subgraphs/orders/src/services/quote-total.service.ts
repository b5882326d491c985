import type { OrdersContext } from '../context.ts';
import { quoteCart } from '../clients/prices.client.ts';
import { pinQuotedPrices } from '../domain/quote-pricing.rules.ts';
import { findCart } from './cart.service.ts';
import { quoteRequestOf } from './cart-view.service.ts';
import { quoteById } from './quote.service.ts';

/**
 * What placeOrder with this quote would charge now, by the checkout's own rule (prices' quote of the cart
 * with the quoted units pinned): the figure the buyer sends back as expectedTotal. Null when the quote is not
 * orderable by the caller (not proposed, expired, another's) or its cart cannot be priced as it stands.
 */
export async function tradeQuoteTotal(ctx: OrdersContext, id: string) {
  const quote = await quoteById(ctx, id);
  if (quote?.status !== 'PROPOSED' || ctx.channel.staff) return null;
  const cart = await findCart(ctx, quote.cart_id);
  if (cart?.status !== 'ACTIVE') return null;
  const lines = quote.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity }));
  const listed = await quoteCart(ctx.deps.prices, ctx.contextToken, ctx.requestId, quoteRequestOf(cart, lines));
  if (listed.__typename !== 'Quote') return null;
  const pinned = pinQuotedPrices(listed, new Map(quote.lines.map((l) => [l.variantId, Number(l.unit)])));
  if (!pinned) return null;
  const m = (amount: number) => ({ amount, currency: pinned.currency });
  return { quoteId: quote.id, subtotal: m(pinned.subtotal), shipping: m(pinned.shipping?.amount ?? 0), tax: m(pinned.tax), total: m(pinned.total) };
}
