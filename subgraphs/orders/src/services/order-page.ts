import { and, asc, desc, gt, lt, or, sql, type SQL } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import { decodeCursor, encodeCursor } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { orders } from '../db/tables.ts';

/**
 * One page of orders by placement time, newest or oldest first, with a keyset cursor. The cursor keeps
 * placed_at as PostgreSQL's own text (microseconds): a JS Date keeps milliseconds and would skip orders
 * placed in the same millisecond as the last one shown.
 */
export async function orderPage(ctx: OrdersContext, where: SQL[], args: { first: number; after?: string | null }, order: 'newest' | 'oldest') {
  const conditions = [...where];
  if (args.after) {
    const cursor = decodeCursor(args.after);
    if (cursor?.length !== 2 || typeof cursor[0] !== 'string' || typeof cursor[1] !== 'string' || Number.isNaN(Date.parse(cursor[0]))) {
      throw appError('BAD_USER_INPUT', 'malformed cursor', { argument: 'after' });
    }
    const at = sql`${cursor[0]}::timestamptz`;
    const id = cursor[1] as string;
    conditions.push(
      order === 'newest'
        ? or(sql`${orders.placedAt} < ${at}`, and(sql`${orders.placedAt} = ${at}`, lt(orders.id, id)))!
        : or(sql`${orders.placedAt} > ${at}`, and(sql`${orders.placedAt} = ${at}`, gt(orders.id, id)))!,
    );
  }
  const by = order === 'newest' ? [desc(orders.placedAt), desc(orders.id)] : [asc(orders.placedAt), asc(orders.id)];
  const rows = await ctx.db.db
    .select({ order: orders, placedAtText: sql<string>`${orders.placedAt}::text` })
    .from(orders)
    .where(and(...conditions))
    .orderBy(...by)
    .limit(args.first + 1);
  const page = rows.slice(0, args.first);
  const last = page.at(-1);
  return {
    nodes: page.map((r) => r.order),
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? encodeCursor([last.placedAtText, last.order.id]) : null },
  };
}
