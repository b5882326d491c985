import DataLoader from 'dataloader';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { promotionRedemptions, promotions } from '../db/tables.ts';
import type { PricesContext } from '../context.ts';

export type PromotionRow = typeof promotions.$inferSelect;
export interface PromotionUsage {
  total: number;
  byCustomer: number;
}

export function createPromotionLoaders(ctx: PricesContext) {
  const { db } = ctx.db;
  const customerId = ctx.channel.customerId ?? null;
  return {
    /** Active promotions of a channel. Only ever asked for the caller's own channel. */
    channelPromotions: new DataLoader<string, PromotionRow[]>(async (channels) => {
      const rows = await db
        .select()
        .from(promotions)
        .where(and(inArray(promotions.channel, [...channels]), eq(promotions.active, true)));
      return channels.map((ch) => rows.filter((r) => r.channel === ch));
    }),

    /** Redemptions so far per promotion, in total and by the calling customer. */
    usage: new DataLoader<string, PromotionUsage>(async (ids) => {
      const rows = await db
        .select({
          promotionId: promotionRedemptions.promotionId,
          total: count(),
          byCustomer: sql<number>`count(*) filter (where ${promotionRedemptions.customerId} = ${customerId})`.mapWith(Number),
        })
        .from(promotionRedemptions)
        .where(inArray(promotionRedemptions.promotionId, [...ids]))
        .groupBy(promotionRedemptions.promotionId);
      return ids.map((id) => {
        const r = rows.find((x) => x.promotionId === id);
        return { total: r?.total ?? 0, byCustomer: r?.byCustomer ?? 0 };
      });
    }),
  };
}
export type PromotionLoaders = ReturnType<typeof createPromotionLoaders>;
