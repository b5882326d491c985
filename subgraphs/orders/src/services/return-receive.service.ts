import { and, eq, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { orderLines, orders, outbox, refunds, returnLines, returns, type ReturnDisposition } from '../db/tables.ts';
import { computeRefund } from '../domain/refund.calculator.ts';
import { orderStatusFromReturns } from '../domain/return-status.machine.ts';
import { illegalReturn, returnForStaff, type ReturnTransitionResult } from './return-decision.service.ts';
import { returnPolicyOf } from './return-policy.service.ts';
import { payRefund, refundIssuedEvent, settleReturnStock, type RefundEnv } from './refund.service.ts';

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
const LOCATION = /^[A-Za-z0-9_.:-]{1,64}$/;

export interface ReceiveReturnInput {
  returnId: string;
  idempotencyKey: string;
  lines: { lineNo: number; disposition: ReturnDisposition; locationId: string }[];
}

/** The refund row of a return: its id is also the payment provider's idempotency key. */
export const refundIdOf = (returnId: string) => `rfd_${returnId.slice(4)}`;

/**
 * Staff (order-admin) receive an approved return's goods and choose per line where they go: back on hand at a
 * location, or written off there. One transaction with the order row locked: the return moves APPROVED →
 * RECEIVED (a compare-and-set: of two receipts one wins), the refund is computed from what was paid
 * (domain/refund.calculator.ts) and booked as a PENDING refund row with the order's refunded total (which a
 * CHECK keeps within the order's total), the order's status follows (PARTIALLY_RETURNED / RETURNED), and
 * `return.received` goes to the outbox. After commit the units go to stock (once per return line) and the
 * refund to the payment provider (once per refund id); either may fail and is retried by the recovery job.
 * The idempotency key is the client's: a replay with it answers the return as it is now and books nothing new.
 */
export async function receiveReturn(ctx: OrdersContext, input: ReceiveReturnInput): Promise<ReturnTransitionResult> {
  if (!KEY.test(input.idempotencyKey)) {
    throw appError('BAD_USER_INPUT', 'idempotencyKey is 8 to 128 of A-Z, a-z, 0-9, _ . : -', { argument: 'input.idempotencyKey' });
  }
  const found = await returnForStaff(ctx, input.returnId);
  const asked = await ctx.db.db.select().from(returnLines).where(eq(returnLines.returnId, found.id));
  const chosen = new Map(input.lines.map((l) => [l.lineNo, l]));
  if (chosen.size !== input.lines.length || chosen.size !== asked.length || asked.some((l) => !chosen.has(l.lineNo))) {
    throw appError('BAD_USER_INPUT', 'say once for every line of the return where its goods go', { argument: 'input.lines' });
  }
  for (const l of input.lines) {
    if (!LOCATION.test(l.locationId)) throw appError('BAD_USER_INPUT', `${l.locationId} is not a location id`, { argument: 'input.lines' });
  }
  const staffId = ctx.channel.staff!.id;

  const outcome = await ctx.db.db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, found.orderId)).for('update');
    const [ret] = await tx.select().from(returns).where(eq(returns.id, found.id));
    if (ret!.status === 'RECEIVED' && ret!.receiveKey === input.idempotencyKey) return { replay: true } as const;
    if (ret!.status !== 'APPROVED') return { refused: illegalReturn(ret!.id, ret!.status, 'RECEIVED') } as const;

    const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, order!.id));
    const earlier = await tx.execute<{ line_no: number; units: number }>(sql`
      select rl.line_no, sum(rl.quantity)::int as units from orders.return_lines rl join orders.returns r on r.id = rl.return_id
      where r.order_id = ${order!.id} and r.status = 'RECEIVED' group by rl.line_no`);
    const policy = await returnPolicyOf(tx, order!.channel);
    const refund = computeRefund({
      order: { taxIncluded: order!.taxIncluded, total: order!.total, lines },
      returnedBefore: new Map(earlier.map((e) => [e.line_no, e.units])),
      refundedBefore: order!.refundedTotal,
      returning: asked.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })),
      policy,
    });

    const now = new Date();
    await tx
      .update(returns)
      .set({ status: 'RECEIVED', receiveKey: input.idempotencyKey, receivedBy: staffId, receivedAt: now, updatedAt: now, version: sql`${returns.version} + 1` })
      .where(and(eq(returns.id, ret!.id), eq(returns.status, 'APPROVED')));
    for (const l of input.lines) {
      await tx
        .update(returnLines)
        .set({ disposition: l.disposition, locationId: l.locationId, stockStatus: 'RESTOCK_PENDING' })
        .where(and(eq(returnLines.returnId, ret!.id), eq(returnLines.lineNo, l.lineNo)));
    }
    const refundId = refundIdOf(ret!.id);
    const free = refund.amount === 0;
    await tx.insert(refunds).values({
      id: refundId,
      orderId: order!.id,
      returnId: ret!.id,
      channel: order!.channel,
      currency: order!.currency,
      goods: refund.goods,
      restockingFee: refund.restockingFee,
      shipping: refund.shipping,
      amount: refund.amount,
      // Nothing to pay back (the fee took it all): done without asking the provider.
      status: free ? 'REFUNDED' : 'PENDING',
      refundedAt: free ? now : null,
    });

    const ordered = lines.reduce((s, l) => s + l.quantity, 0);
    const received = earlier.reduce((s, e) => s + e.units, 0) + asked.reduce((s, l) => s + l.quantity, 0);
    const status = orderStatusFromReturns(order!.status, ordered, received);
    const version = order!.version + 1;
    await tx
      .update(orders)
      .set({ status, version, refundedTotal: order!.refundedTotal + refund.amount, updatedAt: now })
      .where(eq(orders.id, order!.id));
    const byNo = new Map(input.lines.map((l) => [l.lineNo, l]));
    await tx.insert(outbox).values({
      type: 'return.received',
      channel: order!.channel,
      aggregateId: order!.id,
      aggregateVersion: version,
      data: {
        returnId: ret!.id,
        orderId: order!.id,
        number: order!.number,
        lines: asked.map((l) => ({
          lineNo: l.lineNo,
          variantId: l.variantId,
          quantity: l.quantity,
          reason: l.reason,
          disposition: byNo.get(l.lineNo)!.disposition,
          locationId: byNo.get(l.lineNo)!.locationId,
        })),
        refund: { refundId, amount: { amount: refund.amount, currency: order!.currency } },
      },
    });
    if (status !== order!.status) {
      await tx.insert(outbox).values({
        type: 'order.status_changed',
        channel: order!.channel,
        aggregateId: order!.id,
        aggregateVersion: version,
        data: { orderId: order!.id, number: order!.number, from: order!.status, to: status },
      });
    }
    if (free) await tx.insert(outbox).values(refundIssuedEvent(order!, refundId, ret!.id, 0, now, version));
    return { refundId } as const;
  });
  if ('refused' in outcome && outcome.refused) return outcome.refused;

  // Also on a replay: what failed the first time (stock or the provider down) is settled now.
  const env: RefundEnv = { db: ctx.db.db, deps: ctx.deps, log: ctx.log };
  await settleReturnStock(env, found.id);
  await payRefund(env, refundIdOf(found.id));
  const [now] = await ctx.db.db.select().from(returns).where(eq(returns.id, found.id));
  return { __typename: 'ReturnChanged', return: now! };
}
