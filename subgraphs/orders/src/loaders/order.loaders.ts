import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import { byKey, groupByKey } from '@storegraph/kit';
import { ordersByIds, type OrderRow } from '../services/order-query.service.ts';
import { orderLines } from '../db/tables.ts';
import type { OrdersContext } from '../context.ts';

export function createOrderLoaders(ctx: OrdersContext) {
  const { db } = ctx.db;
  return {
    /** An order the caller owns (customer, or company for a B2B buyer), else null. */
    visibleOrder: new DataLoader<string, OrderRow | null>(async (ids) => byKey(ids, await ordersByIds(ctx, ids), (r) => r.id)),
    linesOfOrder: new DataLoader<string, (typeof orderLines.$inferSelect)[]>(async (orderIds) => {
      const rows = await db
        .select()
        .from(orderLines)
        .where(inArray(orderLines.orderId, [...orderIds]))
        .orderBy(asc(orderLines.orderId), asc(orderLines.lineNo));
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
  };
}
export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
