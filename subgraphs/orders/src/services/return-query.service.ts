import { and, asc, eq, inArray } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { returns } from '../db/tables.ts';
import { RETURN_STATUSES } from '../domain/return-status.machine.ts';

/** Staff (order-admin or viewer on the channel): its returns in the given states (default: waiting for staff), oldest first. */
export async function returnQueue(ctx: OrdersContext, args: { channel: string; statuses?: string[] | null; first: number }) {
  if (!staffCan(ctx.channel, 'order-admin', args.channel) && !staffCan(ctx.channel, 'viewer', args.channel)) {
    throw appError('FORBIDDEN', `order-admin or viewer on ${args.channel} is required`);
  }
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 200)
    throw appError('BAD_USER_INPUT', 'first must be between 1 and 200', { argument: 'first' });
  const statuses = args.statuses ?? ['REQUESTED', 'APPROVED'];
  if (!statuses.every((s) => (RETURN_STATUSES as readonly string[]).includes(s))) throw appError('BAD_USER_INPUT', 'unknown status', { argument: 'statuses' });
  return ctx.db.db
    .select()
    .from(returns)
    .where(and(eq(returns.channel, args.channel), inArray(returns.status, statuses as (typeof RETURN_STATUSES)[number][])))
    .orderBy(asc(returns.createdAt), asc(returns.id))
    .limit(args.first);
}
