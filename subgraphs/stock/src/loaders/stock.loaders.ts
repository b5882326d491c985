import DataLoader from 'dataloader';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { byKey, groupByKey } from '@storegraph/kit';
import { channelLocations, levels, locations } from '../db/tables.ts';
import type { StockContext } from '../context.ts';

export interface LocationAvailabilityRow {
  variantId: string;
  locationId: string;
  available: number;
}

/** Per-request loaders: one statement per relation, whatever the number of variants asked. */
export function createStockLoaders(ctx: StockContext) {
  const { db } = ctx.db;
  return {
    location: new DataLoader<string, typeof locations.$inferSelect | null>(async (ids) => {
      const rows = await db
        .select()
        .from(locations)
        .where(inArray(locations.id, [...ids]));
      return byKey(ids, rows, (r) => r.id);
    }),
    /** Sellable units per bound location, in the channel's location priority. */
    availabilityByVariant: new DataLoader<string, LocationAvailabilityRow[]>(async (variantIds) => {
      const rows = await db
        .select({
          variantId: levels.variantId,
          locationId: levels.locationId,
          available: sql<number>`greatest(${levels.onHand} - ${levels.reserved} - ${levels.safetyStock}, 0)::int`,
        })
        .from(levels)
        .innerJoin(channelLocations, and(eq(channelLocations.locationId, levels.locationId), eq(channelLocations.channel, ctx.channel.channel)))
        .where(inArray(levels.variantId, [...variantIds]))
        .orderBy(asc(channelLocations.priority), asc(levels.locationId));
      return groupByKey(variantIds, rows, (r) => r.variantId);
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
