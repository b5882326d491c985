import DataLoader from 'dataloader';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { byKey, groupByKey } from '@storegraph/kit';
import { allocations, backorderPolicies, channelAllocationPolicies, channelLocations, levels, locations } from '../db/tables.ts';
import type { StockContext } from '../context.ts';

export interface LocationAvailabilityRow {
  variantId: string;
  locationId: string;
  pickup: boolean;
  available: number;
}

/** Per-request loaders: one statement per relation, whatever the number of variants asked. */
export function createStockLoaders(ctx: StockContext) {
  const { db } = ctx.db;
  const channel = ctx.channel.channel;
  return {
    location: new DataLoader<string, typeof locations.$inferSelect | null>(async (ids) => {
      const rows = await db
        .select()
        .from(locations)
        .where(inArray(locations.id, [...ids]));
      return byKey(ids, rows, (r) => r.id);
    }),
    /**
     * What this channel could reserve per bound location, in its location priority: stock.sellable over
     * its own fence (only when its policy is not SHARED) and the other channels' fences; the same
     * formula the reservation function uses, so the listing never promises what reserve would refuse.
     */
    availabilityByVariant: new DataLoader<string, LocationAvailabilityRow[]>(async (variantIds) => {
      const own = sql<number>`coalesce((select sum(a.remaining) from ${allocations} a
        where a.variant_id = ${levels.variantId} and a.location_id = ${levels.locationId} and a.channel = ${channel}
          and exists (select 1 from ${channelAllocationPolicies} p where p.channel = ${channel} and p.mode <> 'SHARED')), 0)::int`;
      const others = sql<number>`coalesce((select sum(a.remaining) from ${allocations} a
        where a.variant_id = ${levels.variantId} and a.location_id = ${levels.locationId} and a.channel <> ${channel}), 0)::int`;
      const rows = await db
        .select({
          variantId: levels.variantId,
          locationId: levels.locationId,
          pickup: locations.pickup,
          available: sql<number>`stock.sellable(${levels.onHand} - ${levels.reserved} - ${levels.safetyStock}, ${own}, ${others})`,
        })
        .from(levels)
        .innerJoin(channelLocations, and(eq(channelLocations.locationId, levels.locationId), eq(channelLocations.channel, channel)))
        .innerJoin(locations, eq(locations.id, levels.locationId))
        .where(inArray(levels.variantId, [...variantIds]))
        .orderBy(asc(channelLocations.priority), asc(levels.locationId));
      return groupByKey(variantIds, rows, (r) => r.variantId);
    }),
    backorderPolicy: new DataLoader<string, typeof backorderPolicies.$inferSelect | null>(async (variantIds) => {
      const rows = await db
        .select()
        .from(backorderPolicies)
        .where(and(eq(backorderPolicies.channel, channel), inArray(backorderPolicies.variantId, [...variantIds])));
      return byKey(variantIds, rows, (r) => r.variantId);
    }),
    /** Fences of a (variant, location) level, keyed `variantId\u001flocationId`. */
    fencesByLevel: new DataLoader<string, (typeof allocations.$inferSelect)[]>(async (keys) => {
      const variantIds = [...new Set(keys.map((k) => k.split('\u001f')[0]!))];
      const rows = await db.select().from(allocations).where(inArray(allocations.variantId, variantIds)).orderBy(asc(allocations.channel));
      return groupByKey(keys, rows, (r) => `${r.variantId}\u001f${r.locationId}`);
    }),
    channelLocations: new DataLoader<string, (typeof locations.$inferSelect)[]>(async (channels) => {
      const rows = await db
        .select({ channel: channelLocations.channel, location: locations })
        .from(channelLocations)
        .innerJoin(locations, eq(locations.id, channelLocations.locationId))
        .where(inArray(channelLocations.channel, [...channels]))
        .orderBy(asc(channelLocations.priority));
      return groupByKey(channels, rows, (r) => r.channel).map((list) => list.map((r) => r.location));
    }),
  };
}
export type StockLoaders = ReturnType<typeof createStockLoaders>;
