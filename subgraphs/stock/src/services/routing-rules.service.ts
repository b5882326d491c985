import { sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import type { ShipTo } from '../domain/ship-to.coordinates.ts';
import type { RoutingRules } from '../strategies/routing.strategy.ts';
import { normaliseReservation } from '../domain/reservation-input.rules.ts';
import { routeOrder } from './routing.service.ts';
import { requireStockAdminOn } from './staff-scope.service.ts';

const MAX_SHIPMENTS = 50;

export interface SetRoutingRulesInput {
  channel: string;
  excludedLocationIds: string[];
  preferWarehouses: boolean;
  maxShipments?: number | null;
}

/**
 * Replaces a channel's routing rules (stock-admin on it). Excluded locations must be ones the channel sells
 * from: a typo would otherwise exclude nothing and look like it worked.
 */
export async function setRoutingRules(ctx: StockContext, input: SetRoutingRulesInput): Promise<RoutingRules & { channel: string }> {
  requireStockAdminOn(ctx, input.channel);
  const max = input.maxShipments ?? null;
  if (max !== null && (!Number.isInteger(max) || max < 1 || max > MAX_SHIPMENTS)) {
    throw appError('BAD_USER_INPUT', `maxShipments must be from 1 to ${MAX_SHIPMENTS}, or null for no limit`, { argument: 'input.maxShipments' });
  }
  const excluded = [...new Set(input.excludedLocationIds)].sort();
  const bound = await ctx.db.db.execute<{ location_id: string }>(sql`select location_id from stock.channel_locations where channel = ${input.channel}`);
  const unknown = excluded.filter((id) => !bound.some((b) => b.location_id === id));
  if (unknown.length > 0) {
    throw appError('BAD_USER_INPUT', `${input.channel} does not sell from ${unknown.join(', ')}`, { argument: 'input.excludedLocationIds' });
  }
  await ctx.db.db.execute(sql`
    insert into stock.routing_rules (channel, excluded_location_ids, prefer_warehouses, max_shipments)
    values (${input.channel}, array[${sql.join(
      excluded.map((id) => sql`${id}`),
      sql`, `,
    )}]::text[], ${input.preferWarehouses}, ${max})
    on conflict (channel) do update set excluded_location_ids = excluded.excluded_location_ids,
      prefer_warehouses = excluded.prefer_warehouses, max_shipments = excluded.max_shipments, updated_at = now()`);
  return { channel: input.channel, excludedLocationIds: excluded, preferWarehouses: input.preferWarehouses, maxShipments: max };
}

/**
 * What routing would decide for an order in a channel now, and why (stock-admin or viewer on the channel).
 * The same code path as a reservation, minus the write: a reservation made at the same moment allocates
 * exactly `allocations`.
 */
export async function explainRouting(
  ctx: StockContext,
  input: { channel: string; lines: { variantId: string; quantity: number }[]; shipTo?: ShipTo | null; pickupLocationId?: string | null },
) {
  if (!staffCan(ctx.channel, 'stock-admin', input.channel) && !staffCan(ctx.channel, 'viewer', input.channel)) {
    throw appError('FORBIDDEN', `stock-admin or viewer on ${input.channel} is required`);
  }
  const { lines } = normaliseReservation({ idempotencyKey: 'explain', lines: input.lines, ttlSeconds: 1 });
  const routed = await routeOrder(ctx, input.channel, lines, input.shipTo, input.pickupLocationId);
  return {
    channel: input.channel,
    shipTo: routed.shipTo,
    rules: { channel: input.channel, ...routed.rules },
    shipments: new Set(routed.plan.allocations.map((a) => a.locationId)).size,
    allocations: routed.plan.allocations,
    unrouted: routed.plan.unrouted,
    locations: routed.plan.verdicts,
  };
}
