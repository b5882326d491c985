import { quoteCart, type CartQuote } from '../../clients/prices.client.ts';
import { quoteProblems, quoteRequestOf } from '../../services/cart-view.service.ts';
import type { CartRow } from '../../services/cart.service.ts';
import type { CheckoutStep } from '../checkout-step.ts';
import type { ValidatedCart } from './validate-cart.step.ts';

export interface QuotedCart {
  quote: CartQuote;
  /** SKU per variant, as the channel's catalogue showed it to the quote (the order records them). */
  skus: Record<string, string>;
}

/**
 * Prices the cart with prices.quote, the authority: the amount charged is its total. If that differs from
 * the total the shopper agreed to, nothing happens and both are answered (PriceChanged). The quote asks the
 * catalogue (in the customer's own context) which variants the channel sells; a line it does not is
 * CartNotReady.
 */
export const quoteCartStep: CheckoutStep = {
  id: 'quote',
  async run(env) {
    const { lines, cart } = env.outcome<ValidatedCart>('validate');
    const quote = await quoteCart(env.deps.prices, await env.customerToken(), env.requestId, quoteRequestOf(cart as CartRow, lines));
    if (quote.__typename !== 'Quote') return { fail: { __typename: 'CartNotReady', problems: quoteProblems(quote) } };
    const expected = env.checkout.expectedTotal;
    const currency = env.context.currency;
    if (quote.total !== expected || quote.currency !== currency) {
      return { fail: { __typename: 'PriceChanged', expected, actual: quote.total, currency: quote.currency } };
    }
    const outcome: QuotedCart = { quote, skus: Object.fromEntries(quote.lines.map((l) => [l.variantId, l.sku])) };
    return { outcome };
  },
};
