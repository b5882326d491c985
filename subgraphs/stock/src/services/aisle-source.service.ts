import { sql } from 'drizzle-orm';
import { appError, Code, SourceLocationRefusal } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import type { LocationKind, RoutingCandidate } from '../strategies/routing.strategy.ts';

interface SourceRow extends Record<string, unknown> {
  kind: LocationKind;
  pickup: boolean;
  latitude: number | null;
  longitude: number | null;
  variant_id: string | null;
  sellable: number | null;
}

/**
 * The endless aisle (issue #15 item 5): a till orders, for its customer, units held at another shop or warehouse
 * (one TillNearbyStock listed). Checked before anything is read or written: the caller is a till (POS channel,
 * `till` in the signed context, also when the checkout relays the till's context), the location is a SHOP or
 * WAREHOUSE and not the till's own shop.
 */
export function assertMayNameSource(ctx: StockContext, sourceLocationId: string): void {
  const c = ctx.channel;
  if (c.channelKind !== 'POS' || !c.till || !c.locationId) {
    throw appError(Code.FORBIDDEN, 'only a till may order from another shop or warehouse', {
      reason: SourceLocationRefusal.TILL_ONLY,
      argument: 'sourceLocationId',
    });
  }
  if (sourceLocationId.length === 0 || sourceLocationId.length > 64 || sourceLocationId === c.locationId) {
    throw appError(Code.BAD_USER_INPUT, `${sourceLocationId} is not another shop or warehouse`, {
      reason: SourceLocationRefusal.NOT_A_SOURCE,
      argument: 'sourceLocationId',
    });
  }
}

/**
 * The one routing candidate an aisle order may use: the source location, with what the till's channel could
 * reserve there of each variant (stock.sellable, as routing.service.ts: other channels' ring-fences are kept).
 * The channel's routing rules do not apply: the cashier chose the location. A pickup order is collected at the
 * source itself, so the pickup shop must be the source and a pickup shop (collecting elsewhere needs a transfer).
 */
export async function sourceCandidate(
  ctx: StockContext,
  channel: string,
  variantIds: string[],
  sourceLocationId: string,
  pickupLocationId: string | null | undefined,
): Promise<RoutingCandidate> {
  const rows = await ctx.db.db.execute<SourceRow>(sql`
    select loc.kind, loc.pickup, loc.latitude, loc.longitude, l.variant_id,
      stock.sellable(l.on_hand - l.reserved - l.safety_stock, coalesce(f.own, 0), coalesce(f.others, 0)) as sellable
    from stock.locations loc
    left join stock.levels l on l.location_id = loc.id and l.variant_id in (select jsonb_array_elements_text(${JSON.stringify(variantIds)}::jsonb))
    left join lateral (
      select (sum(a.remaining) filter (where a.channel = ${channel} and coalesce(
                (select p.mode <> 'SHARED' from stock.channel_allocation_policies p where p.channel = ${channel}), false)))::int as own,
             (sum(a.remaining) filter (where a.channel <> ${channel}))::int as others
      from stock.allocations a where a.variant_id = l.variant_id and a.location_id = l.location_id) f on true
    where loc.id = ${sourceLocationId}`);
  const first = rows[0];
  if (!first || first.kind === 'DROPSHIP') {
    throw appError(Code.BAD_USER_INPUT, `${sourceLocationId} is not a shop or warehouse`, {
      reason: SourceLocationRefusal.NOT_A_SOURCE,
      argument: 'sourceLocationId',
    });
  }
  if (pickupLocationId && (pickupLocationId !== sourceLocationId || !first.pickup)) {
    throw appError(Code.BAD_USER_INPUT, `an aisle order is collected where its units are: ${sourceLocationId}, if it is a pickup shop`, {
      argument: 'pickupLocationId',
    });
  }
  const sellable = new Map<string, number>();
  for (const r of rows) if (r.variant_id !== null && (r.sellable ?? 0) > 0) sellable.set(r.variant_id, r.sellable!);
  const coordinates = first.latitude !== null && first.longitude !== null ? { latitude: first.latitude, longitude: first.longitude } : null;
  return { locationId: sourceLocationId, kind: first.kind, priority: 0, coordinates, sellable };
}
