import { quoteCart, type CartQuote } from '../../clients/prices.client.ts';
import { pinQuotedPrices } from '../../domain/quote-pricing.rules.ts';
import { quoteProblems, quoteRequestOf } from '../../services/cart-view.service.ts';
import type { CartRow } from '../../services/cart.service.ts';
import type { CheckoutStep, StepResult } from '../checkout-step.ts';
import type { PlaceOrderOutcome } from '../checkout.types.ts';
import { claimQuote, releaseQuote } from '../quote-claim.repository.ts';
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
 * CartNotReady. A checkout of a trade quote first takes the quote (used once) and charges its unit prices
 * on prices' tax rates and shipping; every refusal from here gives the quote back before it is answered.
 */
export const quoteCartStep: CheckoutStep = {
  id: 'quote',
  async run(env) {
    const { lines, cart } = env.outcome<ValidatedCart>('validate');
    const c = env.checkout;
    let units: Map<string, number> | null = null;
    if (c.quoteId) {
      const claim = await claimQuote(env.db, c, env.context, lines);
      if ('code' in claim) return { fail: { __typename: 'QuoteNotUsable', quoteId: c.quoteId, code: claim.code } };
      units = claim.units;
    }
    const refuse = async (fail: PlaceOrderOutcome): Promise<StepResult> => {
      await releaseQuote(env.db, c);
      return { fail };
    };
    const listed = await quoteCart(env.deps.prices, await env.customerToken(), env.requestId, quoteRequestOf(cart as CartRow, lines));
    if (listed.__typename !== 'Quote') return refuse({ __typename: 'CartNotReady', problems: quoteProblems(listed) });
    const quote = units ? pinQuotedPrices(listed, units) : listed;
    if (!quote) return refuse({ __typename: 'QuoteNotUsable', quoteId: c.quoteId!, code: 'CART_CHANGED' });
    const expected = c.expectedTotal;
    const currency = env.context.currency;
    if (quote.total !== expected || quote.currency !== currency) {
      return refuse({ __typename: 'PriceChanged', expected, actual: quote.total, currency: quote.currency });
    }
    const outcome: QuotedCart = { quote, skus: Object.fromEntries(quote.lines.map((l) => [l.variantId, l.sku])) };
    return { outcome };
  },
  // Undone with the saga (stock short, payment declined, approval rejected): the quote is free to order again.
  async undo(env) {
    await releaseQuote(env.db, env.checkout);
  },
};
