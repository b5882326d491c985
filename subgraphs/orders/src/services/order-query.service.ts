import { and, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import { decodeCursor, encodeCursor } from '@storegraph/kit';
import { orders } from '../db/tables.ts';
import type { OrdersContext } from '../context.ts';

export type OrderRow = typeof orders.$inferSelect;

/**
 * Whose orders the caller may read: a B2B buyer reads their company's orders, a customer their own.
 * Anonymous callers read none. The condition is built from the signed context only.
 */
export function ownedBy(ctx: OrdersContext): SQL | null {
  const c = ctx.channel;
  if (c.companyId) return eq(orders.companyId, c.companyId);
  if (c.customerId) return eq(orders.customerId, c.customerId);
  return null;
}

export async function myOrders(ctx: OrdersContext, args: { first: number; after?: string | null }) {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 100) throw appError('BAD_USER_INPUT', 'first must be between 1 and 100');
  const owner = ownedBy(ctx);
  if (!owner) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
  const conditions = [owner];
  if (args.after) {
    const cursor = decodeCursor(args.after);
    // The cursor keeps placed_at as PostgreSQL's own text (microseconds): a JS Date keeps milliseconds
    // and would skip orders placed in the same millisecond as the last one shown.
    if (cursor?.length !== 2 || typeof cursor[0] !== 'string' || typeof cursor[1] !== 'string' || Number.isNaN(Date.parse(cursor[0]))) {
      throw appError('BAD_USER_INPUT', 'malformed cursor', { argument: 'after' });
    }
    const [placedAt, id] = cursor as [string, string];
    const at = sql`${placedAt}::timestamptz`;
    conditions.push(or(sql`${orders.placedAt} < ${at}`, and(sql`${orders.placedAt} = ${at}`, lt(orders.id, id)))!);
  }
  const rows = await ctx.db.db
    .select({ order: orders, placedAtText: sql<string>`${orders.placedAt}::text` })
    .from(orders)
    .where(and(...conditions))
    .orderBy(desc(orders.placedAt), desc(orders.id))
    .limit(args.first + 1);
  const page = rows.slice(0, args.first);
  const last = page.at(-1);
  return {
    nodes: page.map((r) => r.order),
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? encodeCursor([last.placedAtText, last.order.id]) : null },
  };
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
