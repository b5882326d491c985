import { and, eq, ne, sql } from 'drizzle-orm';
import type { StockContext } from '../context.ts';
import { allocations, backorderPolicies, channelAllocationPolicies, channelLocations, levels } from '../db/tables.ts';
import { requireStockAdminOn } from './staff-scope.service.ts';
import { appError } from '@storegraph/schema';

export type AllocationMode = 'SHARED' | 'DEDICATED' | 'DYNAMIC';
const MAX_UNITS = 1_000_000;

function checkUnits(value: number, argument: string) {
  if (!Number.isInteger(value) || value < 0 || value > MAX_UNITS) throw appError('BAD_USER_INPUT', `${argument} must be from 0 to ${MAX_UNITS}`, { argument });
}

/**
 * SHARED draws from the pool of every bound location; DEDICATED and DYNAMIC also hold ring-fences that
 * no other channel can reserve (DYNAMIC ones are rebalanced from demand). Switching a channel to SHARED
 * gives its fences back to the pool, under the level locks of the pairs they fence.
 */
export async function setChannelAllocationPolicy(ctx: StockContext, channel: string, mode: AllocationMode) {
  requireStockAdminOn(ctx, channel);
  return ctx.db.db.transaction(async (tx) => {
    if (mode === 'SHARED') {
      await tx.execute(sql`
        select 1 from stock.levels l
        where (l.variant_id, l.location_id) in (select a.variant_id, a.location_id from stock.allocations a where a.channel = ${channel})
        order by l.variant_id, l.location_id for update`);
      await tx.delete(allocations).where(eq(allocations.channel, channel));
    }
    const [row] = await tx
      .insert(channelAllocationPolicies)
      .values({ channel, mode })
      .onConflictDoUpdate({ target: channelAllocationPolicies.channel, set: { mode, updatedAt: sql`now()` } })
      .returning();
    return row!;
  });
}

/**
 * Ring-fences `quantity` units of a variant at a location for a DEDICATED or DYNAMIC channel. The fences
 * at a location never exceed its free units (on hand - reserved - safety stock) when set; the level row
 * lock makes that check and the write one step for every writer of the pair.
 */
export async function setStockFence(ctx: StockContext, input: { channel: string; variantId: string; locationId: string; quantity: number }) {
  requireStockAdminOn(ctx, input.channel);
  checkUnits(input.quantity, 'quantity');
  const db = ctx.db.db;
  const [bound] = await db
    .select({ channel: channelLocations.channel })
    .from(channelLocations)
    .where(and(eq(channelLocations.channel, input.channel), eq(channelLocations.locationId, input.locationId)));
  if (!bound) throw appError('BAD_USER_INPUT', `${input.channel} does not sell from ${input.locationId}`, { argument: 'locationId' });
  const [policy] = await db.select().from(channelAllocationPolicies).where(eq(channelAllocationPolicies.channel, input.channel));
  if (!policy || policy.mode === 'SHARED') {
    throw appError('BAD_USER_INPUT', `${input.channel} shares the pool; set its allocation policy to DEDICATED or DYNAMIC first`, { argument: 'channel' });
  }
  return db.transaction(async (tx) => {
    const [level] = await tx
      .select()
      .from(levels)
      .where(and(eq(levels.variantId, input.variantId), eq(levels.locationId, input.locationId)))
      .for('update');
    const free = level ? level.onHand - level.reserved - level.safetyStock : 0;
    const [others] = await tx
      .select({ n: sql<number>`coalesce(sum(${allocations.remaining}), 0)::int` })
      .from(allocations)
      .where(and(eq(allocations.variantId, input.variantId), eq(allocations.locationId, input.locationId), ne(allocations.channel, input.channel)));
    const room = Math.max(0, free - others!.n);
    if (input.quantity > room) {
      throw appError('CONFLICT', `only ${room} free units of ${input.variantId} at ${input.locationId} can be fenced`, { fenceable: room });
    }
    const [fence] = await tx
      .insert(allocations)
      .values({ channel: input.channel, variantId: input.variantId, locationId: input.locationId, remaining: input.quantity })
      .onConflictDoUpdate({
        target: [allocations.channel, allocations.variantId, allocations.locationId],
        set: { remaining: input.quantity, updatedAt: sql`now()` },
      })
      .returning();
    return fence!;
  });
}

/** Backorders for a variant in a channel: up to `limit` units beyond stock (0 switches them off). */
export async function setBackorderPolicy(ctx: StockContext, input: { channel: string; variantId: string; limit: number }) {
  requireStockAdminOn(ctx, input.channel);
  checkUnits(input.limit, 'limit');
  if (input.variantId.length === 0 || input.variantId.length > 64) throw appError('BAD_USER_INPUT', 'variantId is not a variant id', { argument: 'variantId' });
  const [row] = await ctx.db.db
    .insert(backorderPolicies)
    .values({ channel: input.channel, variantId: input.variantId, limit: input.limit })
    .onConflictDoUpdate({ target: [backorderPolicies.channel, backorderPolicies.variantId], set: { limit: input.limit, updatedAt: sql`now()` } })
    .returning();
  return row!;
}
