import { and, eq, sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { orders, shipmentLines, shipments } from '../db/tables.ts';
import { shipmentIdOf } from '../checkout/steps/create-order.step.ts';

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const OPEN = ['PENDING', 'PICKING', 'PACKED'];

/**
 * Partial shipment of lines (order-admin on the order's channel): moves `lines` out of an open shipment into a
 * new PENDING one at the same location, so what is on the shelf leaves now and the rest later (or is cancelled
 * on its own). Something must stay behind; the order row is locked first, as for every shipment change.
 */
export async function splitShipment(ctx: OrdersContext, input: { shipmentId: string; lines: { variantId: string; quantity: number }[] }) {
  const [found] = ID.test(input.shipmentId) ? await ctx.db.db.select().from(shipments).where(eq(shipments.id, input.shipmentId)) : [];
  if (!found || !ctx.channel.staff || (!staffCan(ctx.channel, 'order-admin', found.channel) && !staffCan(ctx.channel, 'viewer', found.channel))) {
    throw appError('NOT_FOUND', `no shipment ${input.shipmentId}`);
  }
  if (!staffCan(ctx.channel, 'order-admin', found.channel)) throw appError('FORBIDDEN', `order-admin on ${found.channel} is required`);
  const wanted = new Map<string, number>();
  for (const [i, l] of input.lines.entries()) {
    if (!Number.isInteger(l.quantity) || l.quantity < 1)
      throw appError('BAD_USER_INPUT', `lines[${i}].quantity must be at least 1`, { argument: `input.lines.${i}.quantity` });
    wanted.set(l.variantId, (wanted.get(l.variantId) ?? 0) + l.quantity);
  }
  if (wanted.size === 0) throw appError('BAD_USER_INPUT', 'name at least one line to split off', { argument: 'input.lines' });

  return ctx.db.db.transaction(async (tx) => {
    await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, found.orderId)).for('update');
    const [shipment] = await tx.select().from(shipments).where(eq(shipments.id, found.id)).for('update');
    if (!OPEN.includes(shipment!.status)) throw appError('CONFLICT', `shipment ${found.id} is ${shipment!.status}: only an open shipment can be split`);
    const lines = await tx.select().from(shipmentLines).where(eq(shipmentLines.shipmentId, found.id));
    const has = new Map(lines.map((l) => [l.variantId, l.quantity]));
    for (const [variantId, quantity] of wanted) {
      if (quantity > (has.get(variantId) ?? 0)) {
        throw appError('BAD_USER_INPUT', `the shipment holds ${has.get(variantId) ?? 0} of ${variantId}, not ${quantity}`, { argument: 'input.lines' });
      }
    }
    const left = lines.reduce((s, l) => s + l.quantity - (wanted.get(l.variantId) ?? 0), 0);
    if (left === 0) throw appError('BAD_USER_INPUT', 'a split must leave something in the shipment', { argument: 'input.lines' });
    const [{ n }] = (await tx.select({ n: sql<number>`count(*)::int` }).from(shipments).where(eq(shipments.orderId, found.orderId))) as [{ n: number }];
    const [created] = await tx
      .insert(shipments)
      .values({ id: shipmentIdOf(found.orderId, n + 1), orderId: found.orderId, channel: found.channel, locationId: found.locationId, pickup: found.pickup })
      .returning();
    await tx.insert(shipmentLines).values([...wanted].map(([variantId, quantity]) => ({ shipmentId: created!.id, variantId, quantity })));
    for (const [variantId, quantity] of wanted) {
      const where = and(eq(shipmentLines.shipmentId, found.id), eq(shipmentLines.variantId, variantId));
      if (quantity === has.get(variantId)) await tx.delete(shipmentLines).where(where);
      else
        await tx
          .update(shipmentLines)
          .set({ quantity: sql`${shipmentLines.quantity} - ${quantity}` })
          .where(where);
    }
    const [kept] = await tx
      .update(shipments)
      .set({ version: sql`${shipments.version} + 1`, updatedAt: new Date() })
      .where(eq(shipments.id, found.id))
      .returning();
    return { kept: kept!, split: created! };
  });
}
