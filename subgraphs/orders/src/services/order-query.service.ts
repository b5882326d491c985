import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import { orders } from '../db/tables.ts';
import type { OrdersContext } from '../context.ts';
import { orderPage } from './order-page.ts';
import { ownerOf } from './cart-owner.ts';
import { purchaseOrderPrefix } from './purchase-order.service.ts';

export type OrderRow = typeof orders.$inferSelect;

/**
 * Whose orders the caller may read: a B2B buyer reads their company's orders, a customer their own, a
 * guest session (or a till) what it placed. Anonymous callers read none. Built from the signed context only:
 * the one rule for the history, `order(id)` and entity references alike.
 */
export function ownedBy(ctx: OrdersContext): SQL | null {
  const c = ctx.channel;
  if (c.companyId) return eq(orders.companyId, c.companyId);
  if (c.customerId) return eq(orders.customerId, c.customerId);
  const owner = ownerOf(c);
  return owner ? eq(orders.owner, owner) : null;
}

export async function myOrders(ctx: OrdersContext, args: { first: number; after?: string | null; purchaseOrder?: string | null }) {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 100) throw appError('BAD_USER_INPUT', 'first must be between 1 and 100');
  const owner = ownedBy(ctx);
  if (!owner) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
  const where = [owner];
  if (args.purchaseOrder != null) where.push(purchaseOrderStartsWith(args.purchaseOrder));
  return orderPage(ctx, where, args, 'newest');
}

/** Orders whose PO number starts with `search`, case-insensitively (the partial indexes on lower(purchase_order)). */
export function purchaseOrderStartsWith(search: string): SQL {
  return sql`lower(${orders.purchaseOrder}) like ${purchaseOrderPrefix(search, 'purchaseOrder')}`;
}

/** The caller's orders among `ids` (one statement for a whole batch); others are simply absent. */
export async function ordersByIds(ctx: OrdersContext, ids: readonly string[]): Promise<OrderRow[]> {
  const owner = ownedBy(ctx);
  if (!owner) return [];
  return ctx.db.db
    .select()
    .from(orders)
    .where(and(inArray(orders.id, [...ids]), owner));
}

/** The order a checkout of the caller's created (the caller owns it whether customer, guest or till). */
export async function findOrderForCheckout(ctx: OrdersContext, orderId: string): Promise<OrderRow | null> {
  const [row] = await ctx.db.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.channel, ctx.channel.channel)));
  return row ?? null;
}
