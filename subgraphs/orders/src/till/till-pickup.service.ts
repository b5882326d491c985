import { and, asc, eq } from 'drizzle-orm';
import { appError, Code } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { orders, shipments } from '../db/tables.ts';
import { setShipmentStatus } from '../services/shipment.service.ts';
import { requireTill } from './till-session.service.ts';

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Click & collect parcels waiting at the till's own shop (READY_FOR_PICKUP), of any channel that collects there,
 * oldest first. The till sees no other shop's parcels and never a collection code.
 */
export async function tillPickups(ctx: OrdersContext, first: number) {
  const till = requireTill(ctx);
  if (!Number.isInteger(first) || first < 1 || first > 200) throw appError(Code.BAD_USER_INPUT, 'first must be between 1 and 200', { argument: 'first' });
  const rows = await ctx.db.db
    .select({ shipment: shipments, orderNumber: orders.number })
    .from(shipments)
    .innerJoin(orders, eq(orders.id, shipments.orderId))
    .where(and(eq(shipments.locationId, till.locationId), eq(shipments.pickup, true), eq(shipments.status, 'READY_FOR_PICKUP')))
    .orderBy(asc(shipments.updatedAt), asc(shipments.id))
    .limit(first);
  return rows.map((r) => ({ shipment: r.shipment, orderNumber: r.orderNumber }));
}

/**
 * Hands a parcel over at the till against the customer's code, through the same path staff use (a compare-and-set
 * on READY_FOR_PICKUP and the code; WrongCollectionCode changes nothing). A parcel at another shop is NOT_FOUND,
 * as an unknown one is: the till acts as the order's channel's order staff for this one parcel only.
 */
export async function tillHandOver(ctx: OrdersContext, shipmentId: string, collectionCode: string) {
  const till = requireTill(ctx);
  const [found] = ID.test(shipmentId) ? await ctx.db.db.select().from(shipments).where(eq(shipments.id, shipmentId)) : [];
  if (!found?.pickup || found.locationId !== till.locationId) throw appError(Code.NOT_FOUND, `no shipment ${shipmentId} at this shop`);
  const asCounter = {
    ...ctx,
    channel: { ...ctx.channel, staff: { id: `till:${till.id}`, grants: [{ permissions: ['order-admin' as const], channels: [found.channel] }] } },
  };
  return setShipmentStatus(asCounter, { shipmentId: found.id, status: 'COLLECTED', collectionCode });
}
