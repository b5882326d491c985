import { redeemPromotions } from '../../clients/prices.client.ts';
import type { CheckoutStep } from '../checkout-step.ts';
import type { CreatedOrder } from './create-order.step.ts';
import type { QuotedCart } from './quote-cart.step.ts';

/**
 * Records the promotions the quote applied against their usage limits (the order id makes a repeat a
 * no-op). The customer was charged the quoted price; a limit reached by a concurrent order in the meantime
 * is recorded and logged rather than taken back from an order that is already placed.
 */
export const redeemPromotionsStep: CheckoutStep = {
  id: 'redeem_promotions',
  async run(env) {
    const { quote } = env.outcome<QuotedCart>('quote');
    if (quote.promotionIds.length === 0) return { outcome: { redeemed: [] } };
    const { orderId } = env.outcome<CreatedOrder>('create_order');
    const answer = await redeemPromotions(env.deps.prices, await env.serviceToken(), env.requestId, orderId, quote.promotionIds);
    if (answer !== 'PromotionsRedeemed') env.log.warn({ orderId, answer }, 'promotion redemption after placement');
    return { outcome: { redeemed: quote.promotionIds, answer } };
  },
};
