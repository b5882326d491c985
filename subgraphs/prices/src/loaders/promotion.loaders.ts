import DataLoader from 'dataloader';
import { count, eq, sql } from 'drizzle-orm';
import { groupByKey, perDatabase } from '@storegraph/kit';
import { promotionRedemptions, promotions } from '../db/tables.ts';
import type { PricesContext, PricesDb } from '../context.ts';

export type PromotionRow = typeof promotions.$inferSelect;
export interface PromotionUsage {
  total: number;
  byCustomer: number;
}

const statements = perDatabase((db: PricesDb['db']) => ({
  activePromotions: db
    .select()
    .from(promotions)
    .where(sql`${promotions.channel} = any(${sql.placeholder('channels')}::text[]) and ${eq(promotions.active, true)}`)
    .prepare('prices_active_promotions'),
  // An anonymous caller binds null: `customer_id = null` counts nothing, so byCustomer is 0.
  usage: db
    .select({
      promotionId: promotionRedemptions.promotionId,
      total: count(),
      byCustomer: sql<number>`count(*) filter (where ${promotionRedemptions.customerId} = ${sql.placeholder('customerId')})`.mapWith(Number),
    })
    .from(promotionRedemptions)
    .where(sql`${promotionRedemptions.promotionId} = any(${sql.placeholder('promotionIds')}::text[])`)
    .groupBy(promotionRedemptions.promotionId)
    .prepare('prices_promotion_usage'),
}));

export function createPromotionLoaders(ctx: PricesContext) {
  const q = statements(ctx.db.db);
  const customerId = ctx.channel.customerId ?? null;
  return {
    /** Active promotions of a channel. Only ever asked for the caller's own channel. */
    channelPromotions: new DataLoader<string, PromotionRow[]>(async (channels) => {
      const rows = await q.activePromotions.execute({ channels });
      return groupByKey(channels, rows, (r) => r.channel);
    }),

    /** Redemptions so far per promotion, in total and by the calling customer. */
    usage: new DataLoader<string, PromotionUsage>(async (promotionIds) => {
      const rows = await q.usage.execute({ promotionIds, customerId });
      const byId = new Map(rows.map((r) => [r.promotionId, r]));
      return promotionIds.map((id) => {
        const r = byId.get(id);
        return { total: r?.total ?? 0, byCustomer: r?.byCustomer ?? 0 };
      });
    }),
  };
}
export type PromotionLoaders = ReturnType<typeof createPromotionLoaders>;
