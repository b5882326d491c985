import { eq, inArray, sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { orders, outbox } from '../db/tables.ts';
import { allowedNext, canTransition, isOrderStatus, type OrderStatus } from '../domain/order-status.machine.ts';
import { cancelOrderRow } from './order-cancel.service.ts';
import { purchaseOrderStartsWith, type OrderRow } from './order-query.service.ts';
import { orderPage } from './order-page.ts';

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Staff queue of one channel (order-admin or viewer on it), oldest first: the work to do next. */
export async function orderQueue(
  ctx: OrdersContext,
  args: { channel: string; statuses?: string[] | null; first: number; after?: string | null; purchaseOrder?: string | null },
) {
  if (!staffCan(ctx.channel, 'order-admin', args.channel) && !staffCan(ctx.channel, 'viewer', args.channel)) {
    throw appError('FORBIDDEN', `order-admin or viewer on ${args.channel} is required`);
  }
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 200)
    throw appError('BAD_USER_INPUT', 'first must be between 1 and 200', { argument: 'first' });
  // A PO search looks for an order whatever became of it; the queue proper is the work still to do.
  const search = args.purchaseOrder != null;
  const statuses = args.statuses ?? (search ? null : ['PLACED', 'PROCESSING', 'PARTIALLY_FULFILLED']);
  if (statuses && !statuses.every(isOrderStatus)) throw appError('BAD_USER_INPUT', 'unknown status', { argument: 'statuses' });
  const where = [eq(orders.channel, args.channel)];
  if (statuses) where.push(inArray(orders.status, statuses));
  if (search) where.push(purchaseOrderStartsWith(args.purchaseOrder!));
  return orderPage(ctx, where, args, 'oldest');
}

/**
 * The order if the caller may act on it: order-admin of its channel, or (reading) its owner in this channel,
 * by the same rule as the history (`ownedBy`, through the per-request loader).
 */
async function orderFor(ctx: OrdersContext, id: string): Promise<{ order: OrderRow; staff: boolean } | null> {
  if (!ID.test(id)) return null;
  if (ctx.channel.staff) {
    const [order] = await ctx.db.db.select().from(orders).where(eq(orders.id, id));
    if (order && staffCan(ctx.channel, 'order-admin', order.channel)) return { order, staff: true };
  }
  const own = await ctx.loaders.visibleOrder.load(id);
  return own && own.channel === ctx.channel.channel ? { order: own, staff: false } : null;
}

const illegal = (from: OrderStatus, to: OrderStatus) => ({ __typename: 'IllegalOrderTransition', from, to, allowed: allowedNext(from) });

/** Staff move an order along its life cycle; one version bump and one `order.status_changed` per move. */
export async function setOrderStatus(ctx: OrdersContext, id: string, to: string) {
  if (!isOrderStatus(to)) throw appError('BAD_USER_INPUT', `unknown status ${to}`, { argument: 'status' });
  const found = await orderFor(ctx, id);
  if (!found) throw appError('NOT_FOUND', `no order ${id}`);
  if (!found.staff) throw appError('FORBIDDEN', `order-admin on ${found.order.channel} is required`);
  if (to === 'CANCELLED') return cancelOrder(ctx, id, 'cancelled by staff');
  return ctx.db.db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, id)).for('update');
    if (!canTransition(order!.status, to)) return illegal(order!.status, to);
    const [updated] = await tx
      .update(orders)
      .set({ status: to, version: sql`${orders.version} + 1`, updatedAt: new Date() })
      .where(eq(orders.id, id))
      .returning();
    await tx.insert(outbox).values({
      type: 'order.status_changed',
      channel: order!.channel,
      aggregateId: id,
      aggregateVersion: updated!.version,
      data: { orderId: id, number: order!.number, from: order!.status, to },
    });
    return { __typename: 'OrderStatusChanged', order: updated };
  });
}

/**
 * Cancels: the customer (or their company's buyer) while the order is PLACED; order staff until goods
 * leave. The authorisation is voided (see order-cancel.service.ts).
 */
export async function cancelOrder(ctx: OrdersContext, id: string, reason: string) {
  const text = reason.trim();
  if (text.length === 0 || text.length > 500) throw appError('BAD_USER_INPUT', 'reason is 1 to 500 characters', { argument: 'reason' });
  const found = await orderFor(ctx, id);
  if (!found) throw appError('NOT_FOUND', `no order ${id}`);
  const outcome = await cancelOrderRow(ctx.db.db, ctx.deps, ctx.log, id, text, found.staff ? undefined : ['PLACED']);
  const [order] = await ctx.db.db.select().from(orders).where(eq(orders.id, id));
  if (!outcome.cancelled) return illegal(outcome.from ?? order!.status, 'CANCELLED');
  return { __typename: 'OrderStatusChanged', order };
}

/** One order the caller may read. */
export async function findOrder(ctx: OrdersContext, id: string): Promise<OrderRow | null> {
  return (await orderFor(ctx, id))?.order ?? null;
}
