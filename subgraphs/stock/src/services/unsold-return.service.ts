import { and, eq, sql } from 'drizzle-orm';
import { appError, CHECKOUT_ISSUER, staffCan } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import { levels, locations, movements } from '../db/tables.ts';
import { actorOf } from './staff-scope.service.ts';

const MAX_UNITS = 10_000;

/**
 * A till return without a receipt (issue #15): units no reservation of ours sold come back on hand at the till's
 * shop as a RETURN movement, once per `reference` (a retry books nothing twice). Only the orders service (the
 * checkout issuer with order-admin on the channel, which has a manager's approval and a store credit behind it) or
 * stock staff may do it: a shopper who could would conjure stock. The level row is locked before the reference is
 * looked up, so two calls with one reference at once book it once.
 */
export async function returnUnsoldUnits(ctx: StockContext, input: { variantId: string; quantity: number; locationId: string; reference: string }) {
  const checkout = ctx.issuer === CHECKOUT_ISSUER && staffCan(ctx.channel, 'order-admin');
  if (!checkout && !staffCan(ctx.channel, 'stock-admin')) throw appError('FORBIDDEN', 'a return without a sale is the till’s (or stock staff’s) call');
  if (input.variantId.length === 0 || input.variantId.length > 64) throw appError('BAD_USER_INPUT', 'variantId is not a variant id', { argument: 'variantId' });
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_UNITS)
    throw appError('BAD_USER_INPUT', `quantity must be from 1 to ${MAX_UNITS}`, { argument: 'quantity' });
  const reference = input.reference.trim();
  if (reference.length === 0 || reference.length > 200) throw appError('BAD_USER_INPUT', 'reference must be 1 to 200 characters', { argument: 'reference' });
  return ctx.db.db.transaction(async (tx) => {
    const [location] = await tx.select({ id: locations.id }).from(locations).where(eq(locations.id, input.locationId));
    if (!location) throw appError('NOT_FOUND', `no location ${input.locationId}`);
    await tx.insert(levels).values({ variantId: input.variantId, locationId: input.locationId }).onConflictDoNothing();
    await tx
      .select({ onHand: levels.onHand })
      .from(levels)
      .where(and(eq(levels.variantId, input.variantId), eq(levels.locationId, input.locationId)))
      .for('update');
    const [booked] = await tx
      .select({ id: movements.id })
      .from(movements)
      .where(
        and(
          eq(movements.variantId, input.variantId),
          eq(movements.locationId, input.locationId),
          eq(movements.kind, 'RETURN'),
          eq(movements.reference, reference),
        ),
      )
      .limit(1);
    if (booked) return 0;
    await tx
      .update(levels)
      .set({ onHand: sql`${levels.onHand} + ${input.quantity}`, updatedAt: sql`now()` })
      .where(and(eq(levels.variantId, input.variantId), eq(levels.locationId, input.locationId)));
    await tx.insert(movements).values({
      variantId: input.variantId,
      locationId: input.locationId,
      kind: 'RETURN',
      deltaOnHand: input.quantity,
      reason: 'till return without a receipt',
      reference,
      actor: actorOf(ctx),
      channel: ctx.channel.channel,
    });
    return input.quantity;
  });
}
