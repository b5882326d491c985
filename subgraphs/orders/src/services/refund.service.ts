import { and, eq, sql } from 'drizzle-orm';
import type { ChannelContext } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { checkouts, orders, outbox, refunds, returnLines, returns } from '../db/tables.ts';
import { signCheckoutContext } from '../clients/service-context.ts';
import { returnSoldUnits } from '../clients/stock.client.ts';

/** What settling returns needs: the database, stock and the payment providers, a logger. */
export interface RefundEnv {
  db: OrdersContext['db']['db'];
  deps: OrdersContext['deps'];
  log: OrdersContext['log'];
}

/**
 * Books a received return's lines on stock's ledger at the chosen locations: RESTOCK puts them back on hand,
 * WRITE_OFF records them as returned and written off (stock.return_allocations). With the order's checkout
 * context (the principal that sold them), once per return line: stock keys each on `return-<id>-<line>`, so a
 * repeat after a lost answer books nothing twice. A line that failed stays RESTOCK_PENDING for the next call.
 */
export async function settleReturnStock(env: RefundEnv, returnId: string): Promise<number> {
  const { db, deps, log } = env;
  const pending = await db
    .select({ line: returnLines, reservationId: orders.reservationId, context: checkouts.context })
    .from(returnLines)
    .innerJoin(returns, eq(returns.id, returnLines.returnId))
    .innerJoin(orders, eq(orders.id, returns.orderId))
    .leftJoin(checkouts, eq(checkouts.id, orders.checkoutId))
    .where(and(eq(returnLines.returnId, returnId), eq(returnLines.stockStatus, 'RESTOCK_PENDING')));
  let settled = 0;
  for (const { line, reservationId, context } of pending) {
    if (!reservationId || !context || !line.locationId) continue;
    try {
      const token = await signCheckoutContext(context as ChannelContext, deps.contextSecret);
      const reference = `return-${returnId}-${line.lineNo}`;
      await returnSoldUnits(deps.stock, token, reference, {
        id: reservationId,
        variantId: line.variantId,
        quantity: line.quantity,
        locationId: line.locationId,
        writeOff: line.disposition === 'WRITE_OFF',
        reference,
      });
    } catch (err) {
      log.warn({ err, returnId, lineNo: line.lineNo }, 'returned units did not reach stock: stays pending');
      continue;
    }
    await db
      .update(returnLines)
      .set({ stockStatus: line.disposition === 'WRITE_OFF' ? 'WRITTEN_OFF' : 'RESTOCKED' })
      .where(and(eq(returnLines.returnId, returnId), eq(returnLines.lineNo, line.lineNo)));
    settled += 1;
  }
  return settled;
}

/**
 * Pays a PENDING refund back through the order's payment provider, keyed by the refund's id: a crash between
 * the provider's answer and the update below is retried with the same key and the provider pays once. An
 * authorisation not yet captured (orders capture when the first refund is due: the goods have left) is captured
 * first for the order's total, under one key per order. The refund becomes REFUNDED, with `refund.issued` in the
 * same transaction, only once (compare-and-set from PENDING); a provider that refuses for good makes it FAILED
 * (staff settle it by hand); one that does not answer leaves it PENDING for the recovery job.
 */
export async function payRefund(env: RefundEnv, refundId: string): Promise<'REFUNDED' | 'PENDING' | 'FAILED' | null> {
  const { db, deps, log } = env;
  const [row] = await db
    .select({ refund: refunds, order: orders })
    .from(refunds)
    .innerJoin(orders, eq(orders.id, refunds.orderId))
    .where(eq(refunds.id, refundId));
  if (!row) return null;
  const { refund, order } = row;
  if (refund.status !== 'PENDING') return refund.status;
  const fail = async (failure: string) => {
    await db
      .update(refunds)
      .set({ status: 'FAILED', failure, updatedAt: new Date() })
      .where(and(eq(refunds.id, refundId), eq(refunds.status, 'PENDING')));
    log.error({ refundId, failure }, 'refund refused by the payment provider: staff must settle it');
    return 'FAILED' as const;
  };
  const later = async (message: string) => {
    await db
      .update(refunds)
      .set({ attempts: sql`${refunds.attempts} + 1`, updatedAt: new Date() })
      .where(eq(refunds.id, refundId));
    log.warn({ refundId, message }, 'payment provider unavailable: refund stays pending');
    return 'PENDING' as const;
  };
  if (!order.paymentProvider || !order.paymentRef) return fail('the order has no payment to refund');
  const provider = deps.payments.get(order.paymentProvider);
  if (order.paymentStatus === 'AUTHORIZED') {
    const captured = await provider.capture({
      providerRef: order.paymentRef,
      amount: { amount: order.total, currency: order.currency },
      idempotencyKey: `${order.id}:capture`,
    });
    if (captured.status === 'UNAVAILABLE') return later(captured.message);
    if (captured.status === 'REJECTED') return fail(`capture ${captured.reason}: ${captured.message}`);
    await db
      .update(orders)
      .set({ paymentStatus: 'CAPTURED' })
      .where(and(eq(orders.id, order.id), eq(orders.paymentStatus, 'AUTHORIZED')));
  }
  const answer = await provider.refund({
    providerRef: order.paymentRef,
    amount: { amount: refund.amount, currency: refund.currency },
    idempotencyKey: refund.id,
  });
  if (answer.status === 'UNAVAILABLE') return later(answer.message);
  if (answer.status === 'REJECTED') return fail(`${answer.reason}: ${answer.message}`);
  await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(orders).where(eq(orders.id, order.id)).for('update');
    const now = new Date();
    const [paid] = await tx
      .update(refunds)
      .set({ status: 'REFUNDED', providerRef: answer.refundRef, refundedAt: now, updatedAt: now })
      .where(and(eq(refunds.id, refundId), eq(refunds.status, 'PENDING')))
      .returning();
    if (!paid) return;
    const [sum] = await tx.execute<{ paid: string }>(
      sql`select coalesce(sum(amount), 0)::text as paid from orders.refunds where order_id = ${order.id} and status = 'REFUNDED'`,
    );
    const version = locked!.version + 1;
    await tx
      .update(orders)
      .set({ version, paymentStatus: Number(sum!.paid) >= locked!.total ? 'REFUNDED' : 'PARTIALLY_REFUNDED', updatedAt: now })
      .where(eq(orders.id, order.id));
    await tx.insert(outbox).values(refundIssuedEvent(locked!, refundId, refund.returnId, refund.amount, now, version));
  });
  return 'REFUNDED';
}

/**
 * Recovery's share: refunds the provider did not answer (or a crash cut off) and returned units stock did not
 * take, a few per pass, each at least 30 s after its last try. Safe on every replica: the provider pays once
 * per refund id and stock books once per return line.
 */
export async function settlePendingReturns(env: RefundEnv, batch = 20): Promise<number> {
  const due = await env.db
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.status, 'PENDING'), sql`${refunds.updatedAt} < now() - interval '30 seconds'`))
    .limit(batch);
  let settled = 0;
  for (const { id } of due) if ((await payRefund(env, id)) === 'REFUNDED') settled++;
  const stock = await env.db
    .selectDistinct({ returnId: returnLines.returnId })
    .from(returnLines)
    .innerJoin(returns, eq(returns.id, returnLines.returnId))
    .where(and(eq(returnLines.stockStatus, 'RESTOCK_PENDING'), sql`${returns.updatedAt} < now() - interval '30 seconds'`))
    .limit(batch);
  for (const { returnId } of stock) settled += await settleReturnStock(env, returnId);
  return settled;
}

/** `refund.issued`: money went back to the customer (aggregate: the order). */
export function refundIssuedEvent(
  order: { id: string; number: string; channel: string; currency: string },
  refundId: string,
  returnId: string,
  amount: number,
  at: Date,
  version: number,
) {
  return {
    type: 'refund.issued',
    channel: order.channel,
    aggregateId: order.id,
    aggregateVersion: version,
    data: { refundId, returnId, orderId: order.id, number: order.number, amount: { amount, currency: order.currency }, refundedAt: at.toISOString() },
  };
}
