import { randomUUID } from 'node:crypto';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { ChannelContext } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { checkouts, orderLines, orders, tillReturns, tillSessions, type TillRefundTender } from '../db/tables.ts';
import { computeRefund, type ReturnPolicy } from '../domain/refund.calculator.ts';
import type { requireTill } from './till-session.service.ts';
import { addTillReturned, firstUnreturnable } from '../domain/till-returnable.rules.ts';
import { finish, type TillReturnInput } from './till-return.service.ts';
import type { TillReturnRow } from './till-return-receipt.service.ts';

/** At the counter: no restocking fee, and the parcel's shipping stays paid (it was delivered). */
const COUNTER_POLICY: ReturnPolicy = { windowDays: 0, restockingFee: { kind: 'NONE', value: 0 }, shippingRefund: 'NEVER' };
/** The goods have left: an order still being picked is cancelled, not returned. */
const LEFT = ['FULFILLED', 'COMPLETED', 'PARTIALLY_RETURNED'];

const refused = (reason: string, message: string, lineNo: number | null = null) => ({ __typename: 'TillReturnRefused' as const, reason, message, lineNo });

/** The context the online order was checked out with: its reservation answers to that channel and principal. */
export async function checkoutContextOf(ctx: OrdersContext, orderId: string): Promise<ChannelContext> {
  const [row] = await ctx.db.db
    .select({ context: checkouts.context })
    .from(orders)
    .innerJoin(checkouts, eq(checkouts.id, orders.checkoutId))
    .where(eq(orders.id, orderId));
  if (!row) throw new Error(`order ${orderId} has no checkout to act for`);
  return row.context as ChannelContext;
}

/**
 * Pays one return's share back to the online order's own payment, keyed per return and tender (a retry pays once).
 * An authorisation not yet captured is captured first under the order's own capture key, as refund.service.ts does.
 */
export async function refundOnline(ctx: OrdersContext, row: TillReturnRow, r: TillRefundTender, key: string) {
  const [order] = await ctx.db.db.select().from(orders).where(eq(orders.id, row.orderId));
  const provider = ctx.deps.payments.get(r.provider!);
  const unavailable = { __typename: 'PaymentUnavailable' as const, message: 'the payment provider did not answer; send the return again with the same key' };
  const declined = async (reason: string, message: string) => {
    await ctx.db.db
      .update(tillReturns)
      .set({ status: 'VOIDED', failure: `${reason}: ${message}` })
      .where(and(eq(tillReturns.id, row.id), eq(tillReturns.status, 'PENDING')));
    return { __typename: 'PaymentDeclined' as const, reason, declineCode: null };
  };
  if (order!.paymentStatus === 'AUTHORIZED') {
    const captured = await provider.capture({
      providerRef: r.providerRef!,
      amount: { amount: order!.total, currency: order!.currency },
      idempotencyKey: `${order!.id}:capture`,
    });
    if (captured.status === 'UNAVAILABLE') return unavailable;
    if (captured.status === 'REJECTED') return declined(captured.reason, captured.message);
    await ctx.db.db
      .update(orders)
      .set({ paymentStatus: 'CAPTURED' })
      .where(and(eq(orders.id, order!.id), eq(orders.paymentStatus, 'AUTHORIZED')));
  }
  const answer = await provider.refund({ providerRef: r.providerRef!, amount: { amount: r.amount, currency: order!.currency }, idempotencyKey: key });
  if (answer.status === 'UNAVAILABLE') return unavailable;
  if (answer.status === 'REJECTED') return declined(answer.reason, answer.message);
  return { refundRef: answer.refundRef };
}

/**
 * An order bought online taken back at a till whose channel its channel allows (ORDERS_TILL_RETURNS): looked up
 * by its order number, the goods back into THIS shop's stock, the money back to the order's own payment (never
 * the drawer). Units are never more than ordered less returned before, at the till or through RequestReturn;
 * checked and recorded PENDING with the order row locked, as for a till sale's return.
 */
export async function onlineReturn(
  ctx: OrdersContext,
  till: ReturnType<typeof requireTill>,
  input: TillReturnInput,
  hash: string,
  found: { orderId: string; reservationId: string | null; currency: string },
) {
  const [session] = await ctx.db.db
    .select({ id: tillSessions.id })
    .from(tillSessions)
    .where(and(eq(tillSessions.tillId, till.id), isNull(tillSessions.closedAt)));
  if (!session) return { __typename: 'TillSessionConflict' as const, message: 'open the till (a cash session) before taking a return', current: null };
  const recorded = await ctx.db.db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, found.orderId)).for('update');
    if (!LEFT.includes(order!.status)) return refused('NOT_SHIPPED', `order ${order!.number} is ${order!.status}: its goods have not left yet`);
    if (!order!.paymentProvider || !order!.paymentRef) return refused('ONLINE_ORDER', `order ${order!.number} has no payment to refund`);
    const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, order!.id));
    const earlier = await tx
      .select()
      .from(tillReturns)
      .where(and(eq(tillReturns.orderId, order!.id), ne(tillReturns.status, 'VOIDED')));
    const online = await tx.execute<{ line_no: number; units: number }>(sql`
      select rl.line_no, sum(rl.quantity)::int as units from orders.return_lines rl join orders.returns r on r.id = rl.return_id
      where r.order_id = ${order!.id} and r.status <> 'REJECTED' group by rl.line_no`);
    const returnedBefore = new Map<number, number>(online.map((o) => [o.line_no, o.units]));
    addTillReturned(returnedBefore, earlier);
    const unreturnable = firstUnreturnable(lines, returnedBefore, input.lines, `order ${order!.number}`);
    if (unreturnable) return refused(unreturnable.reason, unreturnable.message, unreturnable.lineNo);
    const byNo = new Map(lines.map((l) => [l.lineNo, l]));
    const refund = computeRefund({
      order: { taxIncluded: order!.taxIncluded, total: order!.total, lines },
      returnedBefore,
      refundedBefore: order!.refundedTotal,
      returning: input.lines,
      policy: COUNTER_POLICY,
    });
    const [{ n }] = (await tx.execute<{ n: number }>(sql`select count(*)::int + 1 as n from orders.till_returns where order_id = ${order!.id}`)) as unknown as [
      { n: number },
    ];
    const [row] = await tx
      .insert(tillReturns)
      .values({
        id: `trt_${randomUUID().replaceAll('-', '')}`,
        tillId: till.id,
        clientId: input.idempotencyKey,
        requestHash: hash,
        tillSessionId: session.id,
        channel: ctx.channel.channel,
        locationId: till.locationId,
        cashierId: till.staffId,
        saleId: null,
        orderId: order!.id,
        number: `${order!.number}-R${n}`,
        status: 'PENDING',
        lines: refund.lines.map((l) => ({ ...l, variantId: byNo.get(l.lineNo)!.variantId, sku: byNo.get(l.lineNo)!.sku })),
        total: refund.amount,
        cashRefunded: 0,
        cardRefunded: 0,
        refunds:
          refund.amount > 0
            ? [{ method: 'ONLINE_PAYMENT', amount: refund.amount, provider: order!.paymentProvider, providerRef: order!.paymentRef, refundRef: null }]
            : [],
      })
      .onConflictDoNothing()
      .returning();
    return row ?? null;
  });
  if (recorded && '__typename' in recorded) return recorded;
  const [row] = await ctx.db.db
    .select()
    .from(tillReturns)
    .where(and(eq(tillReturns.tillId, till.id), eq(tillReturns.clientId, input.idempotencyKey)));
  if (!row) throw new Error(`till return ${input.idempotencyKey} of ${till.id} is not there after it was written`);
  return finish(ctx, row, found.reservationId, found.currency);
}
