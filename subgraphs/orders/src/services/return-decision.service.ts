import { and, eq, inArray, sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { returns } from '../db/tables.ts';
import { allowedReturnNext, returnFromFor, type ReturnStatus } from '../domain/return-status.machine.ts';
import type { ReturnRow } from './return-request.service.ts';

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export type ReturnTransitionResult =
  | { __typename: 'ReturnChanged'; return: ReturnRow }
  | { __typename: 'IllegalReturnTransition'; returnId: string; from: ReturnStatus; to: ReturnStatus; allowed: readonly ReturnStatus[] };

export const illegalReturn = (returnId: string, from: ReturnStatus, to: ReturnStatus) =>
  ({ __typename: 'IllegalReturnTransition', returnId, from, to, allowed: allowedReturnNext(from) }) as const;

/**
 * A return that order staff of its channel may work on: NOT_FOUND for anyone who may not even see it (another
 * channel's staff, customers), FORBIDDEN for a viewer.
 */
export async function returnForStaff(ctx: OrdersContext, id: string): Promise<ReturnRow> {
  const [found] = ID.test(id) ? await ctx.db.db.select().from(returns).where(eq(returns.id, id)) : [];
  if (!found || !ctx.channel.staff || (!staffCan(ctx.channel, 'order-admin', found.channel) && !staffCan(ctx.channel, 'viewer', found.channel))) {
    throw appError('NOT_FOUND', `no return ${id}`);
  }
  if (!staffCan(ctx.channel, 'order-admin', found.channel)) throw appError('FORBIDDEN', `order-admin on ${found.channel} is required`);
  return found;
}

/**
 * Staff approve or reject a requested return: one compare-and-set from REQUESTED, so of two staff deciding at
 * once one decides and the other is told what it became. A rejection needs a reason (shown to the customer)
 * and frees the units it asked for.
 */
export async function decideReturn(ctx: OrdersContext, id: string, to: 'APPROVED' | 'REJECTED', reason?: string | null): Promise<ReturnTransitionResult> {
  const why = reason?.trim() || null;
  if (to === 'REJECTED' && (!why || why.length > 500))
    throw appError('BAD_USER_INPUT', 'a rejection needs a reason of 1 to 500 characters', { argument: 'reason' });
  if (why && why.length > 500) throw appError('BAD_USER_INPUT', 'a reason is at most 500 characters', { argument: 'reason' });
  await returnForStaff(ctx, id);
  const [moved] = await ctx.db.db
    .update(returns)
    .set({
      status: to,
      decidedBy: ctx.channel.staff!.id,
      decisionReason: why,
      decidedAt: new Date(),
      updatedAt: new Date(),
      version: sql`${returns.version} + 1`,
    })
    .where(and(eq(returns.id, id), inArray(returns.status, returnFromFor(to))))
    .returning();
  if (moved) return { __typename: 'ReturnChanged', return: moved };
  const [now] = await ctx.db.db.select({ status: returns.status }).from(returns).where(eq(returns.id, id));
  return illegalReturn(id, now!.status, to);
}
