import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from '@storegraph/kit';
import type { OrdersDb, OrdersDeps } from '../context.ts';
import { orders, outbox } from '../db/tables.ts';
import { canTransition, type OrderStatus } from '../domain/order-status.machine.ts';

type Db = OrdersDb['db'];

export type CancelOutcome = { cancelled: true; from: OrderStatus } | { cancelled: false; from: OrderStatus | null };

/**
 * Cancels in one transaction (status, `order.cancelled` in the outbox, the payment marked VOID_PENDING),
 * then voids the authorisation. A crash or a provider outage between the two leaves VOID_PENDING, which
 * the recovery job finishes: the void is never lost.
 */
export async function cancelOrderRow(
  db: Db,
  deps: OrdersDeps,
  log: Logger,
  orderId: string,
  reason: string,
  allowedFrom?: OrderStatus[],
): Promise<CancelOutcome> {
  const outcome = await db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    if (!order) return { cancelled: false, from: null } as const;
    if (!canTransition(order.status, 'CANCELLED') || (allowedFrom && !allowedFrom.includes(order.status)))
      return { cancelled: false, from: order.status } as const;
    const voidPending = order.paymentStatus === 'AUTHORIZED';
    await tx
      .update(orders)
      .set({
        status: 'CANCELLED',
        cancelReason: reason,
        version: sql`${orders.version} + 1`,
        paymentStatus: voidPending ? 'VOID_PENDING' : order.paymentStatus,
        updatedAt: new Date(),
      })
      .where(eq(orders.id, orderId));
    await tx.insert(outbox).values({
      type: 'order.cancelled',
      channel: order.channel,
      aggregateId: orderId,
      aggregateVersion: order.version + 1,
      data: { orderId, number: order.number, channel: order.channel, reason, from: order.status },
    });
    return { cancelled: true, from: order.status } as const;
  });
  if (outcome.cancelled) await settlePendingVoids(db, deps, log, [orderId]);
  return outcome;
}

/** Voids authorisations of cancelled orders (VOID_PENDING); safe to repeat (one key per order). */
export async function settlePendingVoids(db: Db, deps: OrdersDeps, log: Logger, orderIds?: string[]): Promise<number> {
  const where = orderIds ? and(eq(orders.paymentStatus, 'VOID_PENDING'), inArray(orders.id, orderIds)) : eq(orders.paymentStatus, 'VOID_PENDING');
  const pending = await db.select({ id: orders.id, provider: orders.paymentProvider, ref: orders.paymentRef }).from(orders).where(where).limit(50);
  let done = 0;
  for (const p of pending) {
    if (!p.provider || !p.ref) continue;
    const answer = await deps.payments.get(p.provider).void({ providerRef: p.ref, idempotencyKey: `${p.id}:cancel-void` });
    if (answer.status === 'UNAVAILABLE') {
      log.warn({ orderId: p.id }, 'payment provider unavailable: void stays pending');
      continue;
    }
    await db
      .update(orders)
      .set({ paymentStatus: answer.status === 'VOIDED' ? 'VOIDED' : `VOID_${answer.reason}` })
      .where(eq(orders.id, p.id));
    done += 1;
  }
  return done;
}

/** From the saga (the stock hold ran out before the order could confirm it). */
export async function cancelOrderForCheckout(env: { db: Db; deps: OrdersDeps; log: Logger }, orderId: string, reason: string): Promise<void> {
  await cancelOrderRow(env.db, env.deps, env.log, orderId, reason);
}
