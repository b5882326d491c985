import { and, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import { levels, locations } from '../db/tables.ts';
import { distanceKm } from '../domain/geo-distance.ts';

/**
 * Endless aisle (issue #15 item 5): a till looking for a variant its shop does not have sees the other shops and
 * warehouses holding it, nearest first (great-circle distance from the till's shop; a location without
 * coordinates last), with the units free there (on hand less reserved less safety stock; ring-fences of other
 * channels are not subtracted: the web checkout that takes the order applies them). Dropship locations are left
 * out: nobody walks there. One statement whatever the number of locations.
 */
export async function tillNearbyStock(ctx: StockContext, variantId: string) {
  const here = ctx.channel.locationId;
  if (ctx.channel.channelKind !== 'POS' || !ctx.channel.till || !here) throw appError('FORBIDDEN', 'only a till with a cashier signed in may do this');
  if (variantId.length === 0 || variantId.length > 64) throw appError('BAD_USER_INPUT', 'variantId is not a variant id', { argument: 'variantId' });
  const free = sql<number>`(${levels.onHand} - ${levels.reserved} - ${levels.safetyStock})::int`;
  const [origin] = await ctx.db.db.select({ latitude: locations.latitude, longitude: locations.longitude }).from(locations).where(eq(locations.id, here));
  const rows = await ctx.db.db
    .select({ location: locations, available: free })
    .from(levels)
    .innerJoin(locations, eq(locations.id, levels.locationId))
    .where(and(eq(levels.variantId, variantId), ne(levels.locationId, here), inArray(locations.kind, ['SHOP', 'WAREHOUSE']), gt(free, 0)));
  const from = origin?.latitude != null && origin.longitude != null ? { latitude: origin.latitude, longitude: origin.longitude } : null;
  return rows
    .map((r) => ({
      location: r.location,
      available: r.available,
      distanceKm:
        from && r.location.latitude != null && r.location.longitude != null
          ? distanceKm(from, { latitude: r.location.latitude, longitude: r.location.longitude })
          : null,
    }))
    .sort((a, b) => (a.distanceKm ?? Number.POSITIVE_INFINITY) - (b.distanceKm ?? Number.POSITIVE_INFINITY) || a.location.id.localeCompare(b.location.id));
}
