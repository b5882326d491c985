import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import { byKey, groupByKey } from '@storegraph/kit';
import { ordersByIds, type OrderRow } from '../services/order-query.service.ts';
import { orderLines, orders, shipmentLines, shipments } from '../db/tables.ts';
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
    shipmentsOfOrder: new DataLoader<string, (typeof shipments.$inferSelect)[]>(async (orderIds) => {
      const rows = await db
        .select()
        .from(shipments)
        .where(inArray(shipments.orderId, [...orderIds]))
        .orderBy(asc(shipments.orderId), asc(shipments.id));
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    linesOfShipment: new DataLoader<string, (typeof shipmentLines.$inferSelect)[]>(async (ids) => {
      const rows = await db
        .select()
        .from(shipmentLines)
        .where(inArray(shipmentLines.shipmentId, [...ids]))
        .orderBy(asc(shipmentLines.shipmentId), asc(shipmentLines.variantId));
      return groupByKey(ids, rows, (r) => r.shipmentId);
    }),
    /** The order of a shipment the caller already may see (through the queue or the order itself). */
    orderForShipment: new DataLoader<string, typeof orders.$inferSelect | null>(async (ids) =>
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
export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
