import { sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import type { Coordinates } from '../domain/geo-distance.ts';
import { type ShipTo, shipToCoordinates } from '../domain/ship-to.coordinates.ts';
import { sourceCandidate } from './aisle-source.service.ts';
import { NO_RULES, type LocationKind, type RoutingCandidate, type RoutingPlan, type RoutingRules } from '../strategies/routing.strategy.ts';

export interface RoutedOrder {
  shipTo: Coordinates | null;
  rules: RoutingRules;
  plan: RoutingPlan;
}

interface CandidateRow extends Record<string, unknown> {
  location_id: string;
  kind: LocationKind;
  priority: number;
  latitude: number | null;
  longitude: number | null;
  pickup: boolean;
  variant_id: string | null;
  sellable: number | null;
}

/**
 * What the channel could reserve of each variant at each location it sells from, with the same formula as
 * stock.reserve and the availability loader (stock.sellable over free units and ring-fences), and the
 * channel's rules. Unlocked: stock.reserve re-checks the plan under the level row locks.
 */
async function readCandidates(
  ctx: StockContext,
  channel: string,
  variantIds: string[],
): Promise<{ candidates: RoutingCandidate[]; rules: RoutingRules; pickups: Set<string> }> {
  const [rows, rules] = await Promise.all([
    ctx.db.db.execute<CandidateRow>(sql`
      select cl.location_id, loc.kind, cl.priority, loc.latitude, loc.longitude, loc.pickup, l.variant_id,
        stock.sellable(l.on_hand - l.reserved - l.safety_stock, coalesce(f.own, 0), coalesce(f.others, 0)) as sellable
      from stock.channel_locations cl
      join stock.locations loc on loc.id = cl.location_id
      left join stock.levels l on l.location_id = cl.location_id and l.variant_id in (select jsonb_array_elements_text(${JSON.stringify(variantIds)}::jsonb))
      left join lateral (
        select (sum(a.remaining) filter (where a.channel = ${channel} and coalesce(
                  (select p.mode <> 'SHARED' from stock.channel_allocation_policies p where p.channel = ${channel}), false)))::int as own,
               (sum(a.remaining) filter (where a.channel <> ${channel}))::int as others
        from stock.allocations a where a.variant_id = l.variant_id and a.location_id = l.location_id) f on true
      where cl.channel = ${channel}`),
    ctx.db.db.execute<{ excluded: string[]; prefer: boolean; max: number | null }>(sql`
      select excluded_location_ids as excluded, prefer_warehouses as prefer, max_shipments as max from stock.routing_rules where channel = ${channel}`),
  ]);
  const byLocation = new Map<string, RoutingCandidate & { sellable: Map<string, number> }>();
  for (const r of rows) {
    let c = byLocation.get(r.location_id);
    if (!c) {
      const coordinates = r.latitude !== null && r.longitude !== null ? { latitude: r.latitude, longitude: r.longitude } : null;
      c = { locationId: r.location_id, kind: r.kind, priority: r.priority, coordinates, sellable: new Map() };
      byLocation.set(r.location_id, c);
    }
    if (r.variant_id !== null && (r.sellable ?? 0) > 0) c.sellable.set(r.variant_id, r.sellable!);
  }
  const rule = rules[0];
  return {
    pickups: new Set(rows.filter((r) => r.pickup).map((r) => r.location_id)),
    candidates: [...byLocation.values()],
    rules: rule ? { excludedLocationIds: rule.excluded, preferWarehouses: rule.prefer, maxShipments: rule.max } : NO_RULES,
  };
}

/** The channel's routing strategy over fresh figures: where each unit of the order would ship from, and why. */
export async function routeOrder(
  ctx: StockContext,
  channel: string,
  lines: [string, number][],
  shipTo: ShipTo | null | undefined,
  pickupLocationId?: string | null,
  sourceLocationId?: string | null,
): Promise<RoutedOrder> {
  const to = shipToCoordinates(shipTo);
  const request = { lines: lines.map(([variantId, quantity]) => ({ variantId, quantity })), shipTo: to, pickupLocationId };
  if (sourceLocationId) {
    // An endless-aisle order: the cashier chose where the units come from, so it is the only candidate.
    const source = await sourceCandidate(
      ctx,
      channel,
      lines.map(([v]) => v),
      sourceLocationId,
      pickupLocationId,
    );
    return { shipTo: to, rules: NO_RULES, plan: ctx.routing.route({ ...request, candidates: [source], rules: NO_RULES }) };
  }
  const { candidates, rules, pickups } = await readCandidates(
    ctx,
    channel,
    lines.map(([v]) => v),
  );
  if (pickupLocationId && !pickups.has(pickupLocationId)) {
    throw appError('BAD_USER_INPUT', `${pickupLocationId} is not a pickup location of ${channel}`, { argument: 'pickupLocationId' });
  }
  const plan = ctx.routing.route({ ...request, candidates, rules });
  return { shipTo: to, rules, plan };
}
