import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';
import { promotionRedemptions, promotions } from '../db/tables.ts';
import { badInput } from './input.validation.ts';

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Records that an order used promotions, when the order is placed. The order id is the idempotency
 * key: the same order with the same promotions answers the same again without writing; the same order
 * with other promotions is IDEMPOTENCY_KEY_REUSED. Limits are checked under a row lock on each
 * promotion, so two orders racing for the last use cannot both get it; a limit reached is an expected
 * outcome (PromotionLimitReached) and writes nothing.
 */
export async function redeemPromotions(ctx: PricesContext, orderId: string, promotionIds: string[]) {
  const c = ctx.channel;
  // Only the checkout (a service principal with order-admin, acting for the customer) records redemptions:
  // a shopper calling this directly could burn a limited code with made-up order ids.
  if (!staffCan(c, 'order-admin')) throw appError('FORBIDDEN', 'redeeming promotions is the checkout’s call (order-admin)');
  if (!ID.test(orderId)) throw badInput('INVALID_ID', 'malformed orderId', { argument: 'orderId' });
  const ids = [...new Set(promotionIds)].sort();
  if (ids.length === 0 || ids.length > 20 || !ids.every((id) => ID.test(id)))
    throw badInput('INVALID_ID', '1 to 20 well-formed promotionIds', { argument: 'promotionIds' });
  const customerId = c.customerId ?? null;

  return ctx.db.db.transaction(async (tx) => {
    const promos = await tx
      .select({ id: promotions.id, usageLimit: promotions.usageLimit, perCustomerLimit: promotions.perCustomerLimit })
      .from(promotions)
      .where(and(inArray(promotions.id, ids), eq(promotions.channel, c.channel)))
      .orderBy(promotions.id)
      .for('update');
    if (promos.length !== ids.length) {
      const unknown = ids.filter((id) => !promos.some((p) => p.id === id));
      throw badInput('UNKNOWN_PROMOTION', `no promotion ${unknown.join(', ')} in channel ${c.channel}`, { argument: 'promotionIds' });
    }
    const already = await tx
      .select({ promotionId: promotionRedemptions.promotionId, redeemedAt: promotionRedemptions.redeemedAt })
      .from(promotionRedemptions)
      .innerJoin(promotions, eq(promotions.id, promotionRedemptions.promotionId))
      .where(and(eq(promotionRedemptions.orderId, orderId), eq(promotions.channel, c.channel)));
    if (already.length > 0) {
      const same = already.length === ids.length && already.every((r) => ids.includes(r.promotionId));
      if (!same) throw appError('IDEMPOTENCY_KEY_REUSED', `order ${orderId} already redeemed other promotions`);
      return { __typename: 'PromotionsRedeemed', orderId, promotionIds: ids, replayed: true };
    }
    const usage = await tx
      .select({
        promotionId: promotionRedemptions.promotionId,
        total: count(),
        byCustomer: sql<number>`count(*) filter (where ${promotionRedemptions.customerId} = ${customerId})`.mapWith(Number),
      })
      .from(promotionRedemptions)
      .where(inArray(promotionRedemptions.promotionId, ids))
      .groupBy(promotionRedemptions.promotionId);
    for (const p of promos) {
      const u = usage.find((x) => x.promotionId === p.id) ?? { total: 0, byCustomer: 0 };
      if (p.usageLimit !== null && u.total >= p.usageLimit) {
        return { __typename: 'PromotionLimitReached', promotionId: p.id, limit: 'TOTAL', message: 'this promotion has been used up' };
      }
      if (p.perCustomerLimit !== null && (customerId === null || u.byCustomer >= p.perCustomerLimit)) {
        return { __typename: 'PromotionLimitReached', promotionId: p.id, limit: 'PER_CUSTOMER', message: 'this customer has used this promotion up' };
      }
    }
    await tx.insert(promotionRedemptions).values(ids.map((promotionId) => ({ promotionId, orderId, customerId })));
    return { __typename: 'PromotionsRedeemed', orderId, promotionIds: ids, replayed: false };
  });
}
