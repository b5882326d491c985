import DataLoader from 'dataloader';
import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { byKey, groupByKey, perDatabase } from '@storegraph/kit';
import { allocations, backorderPolicies, channelAllocationPolicies, channelLocations, levels, locations } from '../db/tables.ts';
import type { StockContext, StockDb } from '../context.ts';

export interface LocationAvailabilityRow {
  variantId: string;
  locationId: string;
  pickup: boolean;
  available: number;
}

/** A variant's availability in the caller's channel, as the Availability type answers it. */
export interface VariantAvailability {
  variantId: string;
  /** Units the channel can reserve, summed over its locations. */
  available: number;
  inStock: boolean;
  /** Per bound location, in the channel's priority order. */
  locations: LocationAvailabilityRow[];
}

const ids = sql.placeholder('ids');
const channel = sql.placeholder('channel');

/**
 * What the channel could reserve per bound location: stock.sellable over its own fence (only when its
 * policy is not SHARED) and the other channels' fences, the formula the reservation function uses, so a
 * listing never promises what reserve would refuse. The fences of all asked variants are summed in one
 * grouped scan instead of two subqueries per level row (200 variants: 3.1 -> 2.0 ms per execution).
 */
const fenceSums = sql`(select a.variant_id, a.location_id,
    (sum(a.remaining) filter (where a.channel = ${channel}
      and exists (select 1 from ${channelAllocationPolicies} p where p.channel = ${channel} and p.mode <> 'SHARED')))::int as own,
    (sum(a.remaining) filter (where a.channel <> ${channel}))::int as others
  from ${allocations} a where a.variant_id = any(${ids}::text[]) group by 1, 2) f`;

const statements = perDatabase((db: StockDb['db']) => ({
  locations: db.select().from(locations).where(sql`${locations.id} = any(${ids}::text[])`).prepare('stock_locations_by_id'),
  availability: db
    .select({
      variantId: levels.variantId,
      locationId: levels.locationId,
      pickup: locations.pickup,
      available: sql<number>`stock.sellable(${levels.onHand} - ${levels.reserved} - ${levels.safetyStock}, coalesce(f.own, 0), coalesce(f.others, 0))`,
    })
    .from(levels)
    .innerJoin(channelLocations, sql`${channelLocations.locationId} = ${levels.locationId} and ${channelLocations.channel} = ${channel}`)
    .innerJoin(locations, eq(locations.id, levels.locationId))
    .leftJoin(fenceSums, sql`f.variant_id = ${levels.variantId} and f.location_id = ${levels.locationId}`)
    .where(sql`${levels.variantId} = any(${ids}::text[])`)
    .orderBy(asc(channelLocations.priority), asc(levels.locationId))
    .prepare('stock_availability_by_variant'),
  backorderPolicies: db
    .select()
    .from(backorderPolicies)
    .where(sql`${backorderPolicies.channel} = ${channel} and ${backorderPolicies.variantId} = any(${ids}::text[])`)
    .prepare('stock_backorder_policies_by_variant'),
  fences: db
    .select()
    .from(allocations)
    .where(sql`${allocations.variantId} = any(${ids}::text[])`)
    .orderBy(asc(allocations.channel))
    .prepare('stock_fences_by_variant'),
  channelLocations: db
    .select({ channel: channelLocations.channel, location: getTableColumns(locations) })
    .from(channelLocations)
    .innerJoin(locations, eq(locations.id, channelLocations.locationId))
    .where(sql`${channelLocations.channel} = any(${ids}::text[])`)
    .orderBy(asc(channelLocations.priority))
    .prepare('stock_locations_by_channel'),
}));

/** Per-request loaders: one statement per relation, whatever the number of variants asked. */
export function createStockLoaders(ctx: StockContext) {
  const q = statements(ctx.db.db);
  const caller = ctx.channel.channel;
  return {
    location: new DataLoader<string, typeof locations.$inferSelect | null>(async (keys) => {
      const rows = await q.locations.execute({ ids: keys });
      return byKey(keys, rows, (r) => r.id);
    }),
    /** Availability per variant, summed in the batch: one pass over the rows, nothing left per variant. */
    availability: new DataLoader<string, VariantAvailability>(async (variantIds) => {
      const rows = await q.availability.execute({ channel: caller, ids: variantIds });
      const byVariant = new Map<string, VariantAvailability>();
      for (const row of rows) {
        const entry = byVariant.get(row.variantId);
        if (entry) {
          entry.available += row.available;
          entry.locations.push(row);
        } else {
          byVariant.set(row.variantId, { variantId: row.variantId, available: row.available, inStock: false, locations: [row] });
        }
      }
      return variantIds.map((variantId) => {
        const entry = byVariant.get(variantId);
        if (!entry) return { variantId, available: 0, inStock: false, locations: [] };
        entry.inStock = entry.available > 0;
        return entry;
      });
    }),
    backorderPolicy: new DataLoader<string, typeof backorderPolicies.$inferSelect | null>(async (variantIds) => {
      const rows = await q.backorderPolicies.execute({ channel: caller, ids: variantIds });
      return byKey(variantIds, rows, (r) => r.variantId);
    }),
    /** Fences of a (variant, location) level, keyed `variantId\u001flocationId`. */
    fencesByLevel: new DataLoader<string, (typeof allocations.$inferSelect)[]>(async (keys) => {
      const variantIds = [...new Set(keys.map((k) => k.split('\u001f')[0]!))];
      const rows = await q.fences.execute({ ids: variantIds });
      return groupByKey(keys, rows, (r) => `${r.variantId}\u001f${r.locationId}`);
    }),
    channelLocations: new DataLoader<string, (typeof locations.$inferSelect)[]>(async (channels) => {
      const rows = await q.channelLocations.execute({ ids: channels });
      return groupByKey(channels, rows, (r) => r.channel).map((list) => list.map((r) => r.location));
    }),
  };
}
export type StockLoaders = ReturnType<typeof createStockLoaders>;
