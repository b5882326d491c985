import { randomInt } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { appError, staffCan, staffChannels, staffHolds, type ChannelContext } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { checkouts, orders, outbox, shipmentLines, shipments } from '../db/tables.ts';
import {
  allowedShipmentNext,
  isShipmentStatus,
  orderStatusFromShipments,
  shipmentFromFor,
  SHIPMENT_STATUSES,
  type ShipmentStatus,
} from '../domain/shipment-status.machine.ts';
import { signCheckoutContext } from '../clients/service-context.ts';
import { restockReservationAt } from '../clients/stock.client.ts';

export type ShipmentRow = typeof shipments.$inferSelect;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const OPEN: ShipmentStatus[] = ['PENDING', 'PICKING', 'PACKED'];

function text(value: string | null | undefined, argument: string, max: number): string {
  const v = (value ?? '').trim();
  if (v.length === 0 || v.length > max) throw appError('BAD_USER_INPUT', `${argument} is 1 to ${max} characters`, { argument: `input.${argument}` });
  return v;
}

/**
 * A location's work queue (order-admin or viewer): shipments in the given states, oldest first, of the
 * channels the staff member holds one of those roles on. Another channel's shipments at the same warehouse
 * are not theirs to see.
 */
export async function shipmentQueue(ctx: OrdersContext, args: { locationId: string; statuses?: string[] | null; first: number }) {
  const staff = ctx.channel.staff;
  if (!staff || !(['order-admin', 'viewer'] as const).some((r) => staffHolds(ctx.channel, r, args.locationId)))
    throw appError('FORBIDDEN', 'order-admin or viewer is required');
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 200)
    throw appError('BAD_USER_INPUT', 'first must be between 1 and 200', { argument: 'first' });
  const statuses = args.statuses ?? OPEN;
  if (!statuses.every(isShipmentStatus)) throw appError('BAD_USER_INPUT', 'unknown status', { argument: 'statuses' });
  const where = [eq(shipments.locationId, args.locationId), inArray(shipments.status, statuses)];
  const held = staffChannels(ctx.channel, ['order-admin', 'viewer']);
  if (!held.includes('*')) {
    const channels = held;
    if (channels.length === 0) return [];
    where.push(inArray(shipments.channel, channels));
  }
  return ctx.db.db
    .select()
    .from(shipments)
    .where(and(...where))
    .orderBy(asc(shipments.createdAt), asc(shipments.id))
    .limit(args.first);
}

export interface SetShipmentStatusInput {
  shipmentId: string;
  status: string;
  carrier?: string | null;
  trackingNumber?: string | null;
  /** Click & collect hand-over: the code the customer shows. */
  collectionCode?: string | null;
}

/**
 * Staff (order-admin on the order's channel) move a shipment on. One transaction: the order row locked first
 * (so two shipments of one order settle its status one after the other), the shipment moved only from a state
 * that allows it (a compare-and-set: of two requests shipping the same parcel, the second finds it SHIPPED and
 * is refused), the order's status recomputed from its shipments, and `shipment.shipped` / `order.status_changed`
 * written to the outbox with them. A cancelled shipment's units go back on hand at its location afterwards.
 */
export async function setShipmentStatus(ctx: OrdersContext, input: SetShipmentStatusInput) {
  if (!isShipmentStatus(input.status)) throw appError('BAD_USER_INPUT', `unknown status ${input.status}`, { argument: 'input.status' });
  const to = input.status;
  const shipping = to === 'SHIPPED';
  const ready = to === 'READY_FOR_PICKUP';
  const code = to === 'COLLECTED' ? text(input.collectionCode, 'collectionCode', 16) : null;
  const carrier = shipping ? text(input.carrier, 'carrier', 64) : null;
  const tracking = shipping ? text(input.trackingNumber, 'trackingNumber', 100) : null;
  const [found] = ID.test(input.shipmentId) ? await ctx.db.db.select().from(shipments).where(eq(shipments.id, input.shipmentId)) : [];
  if (!found || !ctx.channel.staff || (!staffCan(ctx.channel, 'viewer', found.channel) && !staffCan(ctx.channel, 'order-admin', found.channel))) {
    throw appError('NOT_FOUND', `no shipment ${input.shipmentId}`);
  }
  if (!staffCan(ctx.channel, 'order-admin', found.channel)) throw appError('FORBIDDEN', `order-admin on ${found.channel} is required`);

  const result = await ctx.db.db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, found.orderId)).for('update');
    // No parcel moves for a cancelled order, nor before the checkout has confirmed the sale (stock_status SOLD):
    // a hold that expired before confirming must not become a shipped order with no sale booked.
    if (order!.status === 'CANCELLED' || order!.stockStatus !== 'SOLD') {
      return { __typename: 'IllegalShipmentTransition', shipmentId: found.id, from: found.status, to, allowed: [] } as const;
    }
    const [moved] = await tx
      .update(shipments)
      .set({
        status: to,
        version: sql`${shipments.version} + 1`,
        updatedAt: new Date(),
        ...(shipping ? { carrier, trackingNumber: tracking, shippedAt: new Date() } : {}),
        ...(to === 'CANCELLED' ? { stockStatus: 'RESTOCK_PENDING' } : {}),
        // Six digits the customer is sent (shipment.ready_for_pickup) and shows at the counter.
        ...(ready ? { collectionCode: String(randomInt(0, 1_000_000)).padStart(6, '0') } : {}),
      })
      .where(
        and(
          eq(shipments.id, found.id),
          inArray(shipments.status, shipmentFromFor(to, found.pickup)),
          code === null ? undefined : eq(shipments.collectionCode, code),
        ),
      )
      .returning();
    if (!moved) {
      const [now] = await tx.select({ status: shipments.status }).from(shipments).where(eq(shipments.id, found.id));
      // Handed over only against the customer's code: a wrong one changes nothing and says so.
      if (code !== null && now!.status === 'READY_FOR_PICKUP') return { __typename: 'WrongCollectionCode', shipmentId: found.id } as const;
      return {
        __typename: 'IllegalShipmentTransition',
        shipmentId: found.id,
        from: now!.status,
        to,
        allowed: allowedShipmentNext(now!.status, found.pickup),
      } as const;
    }
    const all = await tx.select({ status: shipments.status }).from(shipments).where(eq(shipments.orderId, order!.id));
    // Ordered units that no shipment (live or cancelled) holds: backordered ones, which nothing ships yet.
    const [cover] = await tx.execute<{ unassigned: boolean }>(sql`
      select (select coalesce(sum(quantity), 0) from orders.order_lines where order_id = ${order!.id})
        > (select coalesce(sum(l.quantity), 0) from orders.shipment_lines l join orders.shipments s on s.id = l.shipment_id
           where s.order_id = ${order!.id}) as unassigned`);
    const next = orderStatusFromShipments(
      order!.status,
      all.map((s) => s.status),
      cover!.unassigned,
    );
    // One version bump per change the order's events announce: a status move, a parcel leaving, or both.
    let version = order!.version;
    if (next !== order!.status || shipping || ready) {
      version += 1;
      await tx.update(orders).set({ status: next, version, updatedAt: new Date() }).where(eq(orders.id, order!.id));
    }
    if (next !== order!.status) {
      await tx.insert(outbox).values({
        type: 'order.status_changed',
        channel: order!.channel,
        aggregateId: order!.id,
        aggregateVersion: version,
        data: { orderId: order!.id, number: order!.number, from: order!.status, to: next },
      });
    }
    if (shipping) {
      const lines = await tx
        .select({ variantId: shipmentLines.variantId, quantity: shipmentLines.quantity })
        .from(shipmentLines)
        .where(eq(shipmentLines.shipmentId, found.id));
      await tx.insert(outbox).values({
        type: 'shipment.shipped',
        channel: order!.channel,
        aggregateId: order!.id,
        aggregateVersion: version,
        data: { shipmentId: found.id, orderId: order!.id, number: order!.number, locationId: found.locationId, carrier, trackingNumber: tracking, lines },
      });
    }
    if (ready) {
      const lines = await tx
        .select({ variantId: shipmentLines.variantId, quantity: shipmentLines.quantity })
        .from(shipmentLines)
        .where(eq(shipmentLines.shipmentId, found.id));
      await tx.insert(outbox).values({
        type: 'shipment.ready_for_pickup',
        channel: order!.channel,
        aggregateId: order!.id,
        aggregateVersion: version,
        data: { shipmentId: found.id, orderId: order!.id, number: order!.number, locationId: found.locationId, collectionCode: moved.collectionCode, lines },
      });
    }
    return { __typename: 'ShipmentChanged', shipment: moved } as const;
  });
  // Also on a repeated cancel: a restock that failed the first time is settled now.
  const restocked = to === 'CANCELLED' ? await settleShipmentRestock({ db: ctx.db.db, deps: ctx.deps, log: ctx.log }, found.id) : null;
  if (result.__typename === 'ShipmentChanged' && restocked) return { __typename: 'ShipmentChanged', shipment: restocked } as const;
  return result;
}

/** What restocking needs: the database, the stock client and the secret to sign with, a logger. */
export interface RestockEnv {
  db: OrdersContext['db']['db'];
  deps: OrdersContext['deps'];
  log: OrdersContext['log'];
}

/**
 * Puts a cancelled shipment's units back on hand at its location, through stock with the order's checkout
 * context (the principal that sold them). Stock restocks once per shipment id, so a repeat after a lost answer
 * returns nothing twice; on failure the shipment stays RESTOCK_PENDING and the next call settles it.
 */
export async function settleShipmentRestock(env: RestockEnv, shipmentId: string): Promise<ShipmentRow | null> {
  const { db, deps, log } = env;
  const [row] = await db
    .select({ shipment: shipments, reservationId: orders.reservationId, context: checkouts.context })
    .from(shipments)
    .innerJoin(orders, eq(orders.id, shipments.orderId))
    .leftJoin(checkouts, eq(checkouts.id, orders.checkoutId))
    .where(and(eq(shipments.id, shipmentId), eq(shipments.stockStatus, 'RESTOCK_PENDING')));
  if (!row?.reservationId || !row.context) return null;
  try {
    const token = await signCheckoutContext(row.context as ChannelContext, deps.contextSecret);
    const lines = await db
      .select({ variantId: shipmentLines.variantId, quantity: shipmentLines.quantity })
      .from(shipmentLines)
      .where(eq(shipmentLines.shipmentId, shipmentId));
    const input = { id: row.reservationId, locationId: row.shipment.locationId, lines, reference: shipmentId };
    await restockReservationAt(deps.stock, token, `restock-${shipmentId}`, input);
  } catch (err) {
    log.warn({ err, shipmentId }, 'restock of a cancelled shipment failed: stays pending');
    return null;
  }
  const [done] = await db.update(shipments).set({ stockStatus: 'RESTOCKED' }).where(eq(shipments.id, shipmentId)).returning();
  return done ?? null;
}

/**
 * Recovery's share: cancelled shipments whose restock failed (stock was down) and that nobody cancelled again,
 * a few per pass, each at least 30 s after its last change. Safe on every replica: stock restocks once per id.
 */
export async function settlePendingShipmentRestocks(env: RestockEnv, batch = 20): Promise<number> {
  const pending = await env.db
    .select({ id: shipments.id })
    .from(shipments)
    .where(and(eq(shipments.stockStatus, 'RESTOCK_PENDING'), sql`${shipments.updatedAt} < now() - interval '30 seconds'`))
    .limit(batch);
  let settled = 0;
  for (const { id } of pending) if (await settleShipmentRestock(env, id)) settled++;
  return settled;
}

export { SHIPMENT_STATUSES };
