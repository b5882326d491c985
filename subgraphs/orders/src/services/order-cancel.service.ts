import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from '@storegraph/kit';
import type { ChannelContext } from '@storegraph/schema';
import type { OrdersDb, OrdersDeps } from '../context.ts';
import { checkouts, orders, outbox, shipments } from '../db/tables.ts';
import { canTransition, type OrderStatus } from '../domain/order-status.machine.ts';
import { signCheckoutContext } from '../clients/service-context.ts';
import { restockReservation } from '../clients/stock.client.ts';

type Db = OrdersDb['db'];

export type CancelOutcome = { cancelled: true; from: OrderStatus } | { cancelled: false; from: OrderStatus | null };

/** The checkout confirmed the order's hold: its units are sold (and a cancellation must put them back). */
export async function markSold(db: Db, orderId: string): Promise<'SOLD' | 'RESTOCK_PENDING' | null> {
  // A cancel that landed between the order's creation and this confirmation found nothing sold yet: the
  // units just sold belong to a cancelled order, so they are marked for the restock that settles cancellations.
  const [row] = await db
    .update(orders)
    .set({ stockStatus: sql`case when ${orders.status} = 'CANCELLED' then 'RESTOCK_PENDING' else 'SOLD' end` })
    .where(and(eq(orders.id, orderId), sql`${orders.stockStatus} is null`))
    .returning({ stockStatus: orders.stockStatus });
  return (row?.stockStatus as 'SOLD' | 'RESTOCK_PENDING' | undefined) ?? null;
}

/**
 * Cancels in one transaction (status, `order.cancelled` in the outbox, the payment marked VOID_PENDING and
 * sold stock RESTOCK_PENDING), then voids the authorisation and puts the units back. A crash or an outage
 * between the two leaves the *_PENDING marks, which the recovery job settles: neither is ever lost.
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
    await tx
      .update(orders)
      .set({
        status: 'CANCELLED',
        cancelReason: reason,
        version: sql`${orders.version} + 1`,
        paymentStatus: order.paymentStatus === 'AUTHORIZED' ? 'VOID_PENDING' : order.paymentStatus,
        stockStatus: order.stockStatus === 'SOLD' ? 'RESTOCK_PENDING' : order.stockStatus,
        updatedAt: new Date(),
      })
      .where(eq(orders.id, orderId));
    // Its shipments cannot leave any more (a click & collect parcel at the counter included: its units go back
    // with the whole-order restock below, so it must not be handed over after).
    await tx
      .update(shipments)
      .set({ status: 'CANCELLED', version: sql`${shipments.version} + 1`, updatedAt: new Date() })
      .where(and(eq(shipments.orderId, orderId), inArray(shipments.status, ['PENDING', 'PICKING', 'PACKED', 'READY_FOR_PICKUP'])));
    // Nothing is owed for a cancelled order: an unpaid invoice is voided, a part-paid one closed at what was
    // paid (the rest of its credit comes back; refunding a payment is the returns flow's).
    await tx.execute(sql`
      update orders.invoices set status = case when paid = 0 then 'VOID' else 'PAID' end,
        amount = case when paid = 0 then amount else paid end, closed_at = now()
      where checkout_id = ${order.checkoutId}::uuid and status = 'OPEN'`);
    await tx.insert(outbox).values({
      type: 'order.cancelled',
      channel: order.channel,
      aggregateId: orderId,
      aggregateVersion: order.version + 1,
      data: { orderId, number: order.number, channel: order.channel, reason, from: order.status },
    });
    return { cancelled: true, from: order.status } as const;
  });
  if (outcome.cancelled) await settleCancellations(db, deps, log, [orderId]);
  return outcome;
}

/**
 * Voids authorisations (VOID_PENDING) and restocks sold units (RESTOCK_PENDING) of cancelled orders; safe
 * to repeat: one provider key per order, and stock restocks a reservation once.
 */
export async function settleCancellations(db: Db, deps: OrdersDeps, log: Logger, orderIds?: string[]): Promise<number> {
  // Literal values, so PostgreSQL can use the partial index on pending settlements (migration 0002).
  const pendingAny = sql`(${orders.paymentStatus} = 'VOID_PENDING' or ${orders.stockStatus} = 'RESTOCK_PENDING')`;
  const pending = await db
    .select({ order: orders, context: checkouts.context })
    .from(orders)
    .leftJoin(checkouts, eq(checkouts.id, orders.checkoutId))
    .where(orderIds ? and(pendingAny, inArray(orders.id, orderIds)) : pendingAny)
    .limit(50);
  let settled = 0;
  for (const { order, context } of pending) {
    if (order.paymentStatus === 'VOID_PENDING' && order.paymentProvider && order.paymentRef) {
      const answer = await deps.payments.get(order.paymentProvider).void({ providerRef: order.paymentRef, idempotencyKey: `${order.id}:cancel-void` });
      if (answer.status === 'UNAVAILABLE') log.warn({ orderId: order.id }, 'payment provider unavailable: void stays pending');
      else
        await db
          .update(orders)
          .set({ paymentStatus: answer.status === 'VOIDED' ? 'VOIDED' : `VOID_${answer.reason}` })
          .where(eq(orders.id, order.id));
    }
    if (order.stockStatus === 'RESTOCK_PENDING' && order.reservationId && context) {
      try {
        const token = await signCheckoutContext(context as ChannelContext, deps.contextSecret);
        await restockReservation(deps.stock, token, `cancel-${order.id}`, order.reservationId);
        await db.update(orders).set({ stockStatus: 'RESTOCKED' }).where(eq(orders.id, order.id));
      } catch (err) {
        log.warn({ err, orderId: order.id }, 'restock failed: stays pending');
      }
    }
    settled += 1;
  }
  return settled;
}
