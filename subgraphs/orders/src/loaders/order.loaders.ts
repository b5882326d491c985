import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import { groupByKey } from '@storegraph/kit';
import { orderLines } from '../db/tables.ts';
import type { OrdersContext } from '../context.ts';

export function createOrderLoaders(ctx: OrdersContext) {
  const { db } = ctx.db;
  return {
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
