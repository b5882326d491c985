import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import { byKey, groupByKey } from '@storegraph/kit';
import { orders, refunds, returnLines, returns } from '../db/tables.ts';
import type { OrdersContext } from '../context.ts';

/** Returns, their lines and refunds: one statement per batch, answers in key order. */
export function createReturnLoaders(ctx: OrdersContext) {
  const { db } = ctx.db;
  return {
    returnsOfOrder: new DataLoader<string, (typeof returns.$inferSelect)[]>(async (orderIds) => {
      const rows = await db
        .select()
        .from(returns)
        .where(inArray(returns.orderId, [...orderIds]))
        .orderBy(asc(returns.orderId), asc(returns.createdAt), asc(returns.id));
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    linesOfReturn: new DataLoader<string, (typeof returnLines.$inferSelect)[]>(async (ids) => {
      const rows = await db
        .select()
        .from(returnLines)
        .where(inArray(returnLines.returnId, [...ids]))
        .orderBy(asc(returnLines.returnId), asc(returnLines.lineNo));
      return groupByKey(ids, rows, (r) => r.returnId);
    }),
    refundOfReturn: new DataLoader<string, typeof refunds.$inferSelect | null>(async (ids) =>
      byKey(
        ids,
        await db
          .select()
          .from(refunds)
          .where(inArray(refunds.returnId, [...ids])),
        (r) => r.returnId,
      ),
    ),
    /** The order of a return the caller already may see (through the queue or the order itself). */
    orderOfReturn: new DataLoader<string, typeof orders.$inferSelect | null>(async (ids) =>
      byKey(
        ids,
        await db
          .select()
          .from(orders)
          .where(inArray(orders.id, [...ids])),
        (r) => r.id,
      ),
    ),
  };
}

export type ReturnLoaders = ReturnType<typeof createReturnLoaders>;
