import { quoteCart, type CartQuote } from '../../clients/prices.client.ts';
import { skusOf } from '../../clients/catalog.client.ts';
import { quoteProblems, quoteRequestOf } from '../../services/cart-view.service.ts';
import type { CartRow } from '../../services/cart.service.ts';
import type { CheckoutStep } from '../checkout-step.ts';
import type { ValidatedCart } from './validate-cart.step.ts';

export interface QuotedCart {
  quote: CartQuote;
  skus: Record<string, string>;
}

/**
 * Prices the cart with prices.quote, the authority: the amount charged is its total. If that differs from
 * the total the shopper agreed to, nothing happens and both are answered (PriceChanged).
 */
export const quoteCartStep: CheckoutStep = {
  id: 'quote',
  async run(env) {
    const { lines, cart } = env.outcome<ValidatedCart>('validate');
    const token = await env.customerToken();
    const [quote, skus] = await Promise.all([
      quoteCart(env.deps.prices, token, env.requestId, quoteRequestOf(cart as CartRow, lines)),
      skusOf(
        env.deps.products,
        token,
        env.requestId,
        lines.map((l) => l.variantId),
      ),
    ]);
    if (quote.__typename !== 'Quote') return { fail: { __typename: 'CartNotReady', problems: quoteProblems(quote) } };
    const unsold = lines.filter((l) => !skus.has(l.variantId));
    if (unsold.length > 0) {
      return {
        fail: { __typename: 'CartNotReady', problems: unsold.map((l) => ({ code: 'NOT_SOLD', message: 'not sold in this channel', variantId: l.variantId })) },
      };
    }
    const expected = env.checkout.expectedTotal;
    const currency = env.context.currency;
    if (quote.total !== expected || quote.currency !== currency) {
      return { fail: { __typename: 'PriceChanged', expected, actual: quote.total, currency: quote.currency } };
    }
    const outcome: QuotedCart = { quote, skus: Object.fromEntries(skus) };
    return { outcome };
  },
};
