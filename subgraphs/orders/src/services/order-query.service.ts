import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
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
    if (cursor?.length !== 2) throw appError('BAD_USER_INPUT', 'malformed cursor', { argument: 'after' });
    const placedAt = new Date(String(cursor[0]));
    const id = String(cursor[1]);
    conditions.push(or(lt(orders.placedAt, placedAt), and(eq(orders.placedAt, placedAt), lt(orders.id, id)))!);
  }
  const rows = await ctx.db.db
    .select()
    .from(orders)
    .where(and(...conditions))
    .orderBy(desc(orders.placedAt), desc(orders.id))
    .limit(args.first + 1);
  const page = rows.slice(0, args.first);
  const last = page.at(-1);
  return {
    nodes: page,
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? encodeCursor([last.placedAt.toISOString(), last.id]) : null },
  };
}

export async function orderById(ctx: OrdersContext, id: string): Promise<OrderRow | null> {
  const owner = ownedBy(ctx);
  if (!owner) return null;
  const [row] = await ctx.db.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, id), owner))
    .limit(1);
  return row ?? null;
}
