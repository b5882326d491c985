import { sql } from 'drizzle-orm';
import type { StockContext } from '../context.ts';
import { unitCostsAt } from '../clients/prices.client.ts';
import { type Holding, valueHoldings } from '../domain/stock-value.rules.ts';
import { instantArg, reportLocations } from './report-scope.service.ts';

interface HoldingRow extends Record<string, unknown> {
  variant_id: string;
  location_id: string;
  units: number;
}

/**
 * Units on hand per location at `at`, valued at the cost in force then. Stock holds the units and prices the
 * costs, so stock sums its ledger (one statement for every location) and asks prices once per 1,000 distinct
 * variants: the units never leave stock, only variant ids go to prices.
 */
export async function stockValueOf(ctx: StockContext, args: { locationIds: string[]; at?: string | null }) {
  const at = args.at == null ? null : instantArg(args.at, 'at');
  const locationIds = await reportLocations(ctx, args.locationIds);
  const valuedAt = at ?? new Date();
  // Now: the levels themselves. Earlier: a level always equals the sum of its movements, so the sum of the
  // movements made by then is what was on hand then.
  const rows = await ctx.db.db.execute<HoldingRow>(
    at
      ? sql`select variant_id, location_id, sum(delta_on_hand)::int as units from stock.movements
            where location_id in ${locationIds} and created_at <= ${at.toISOString()}
            group by variant_id, location_id having sum(delta_on_hand) > 0`
      : sql`select variant_id, location_id, on_hand as units from stock.levels
            where location_id in ${locationIds} and on_hand > 0`,
  );
  const held = new Map<string, Holding[]>(locationIds.map((id) => [id, []]));
  for (const r of rows) held.get(r.location_id)!.push({ variantId: r.variant_id, units: Number(r.units) });
  const costs = await unitCostsAt(ctx, [...new Set(rows.map((r) => r.variant_id))].sort(), valuedAt);
  return {
    at: valuedAt.toISOString(),
    locations: locationIds.map((locationId) => ({ locationId, ...valueHoldings(held.get(locationId)!, costs) })),
  };
}
