import { sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import { sellThroughBasisPoints } from '../domain/sell-through.rules.ts';
import { instantArg, reportLocations } from './report-scope.service.ts';

/** A year and a day: a yearly report of a leap year fits. */
const MAX_PERIOD_MS = 366 * 24 * 3600 * 1000;

interface SellThroughRow extends Record<string, unknown> {
  variant_id: string;
  location_id: string;
  sold: number;
  on_hand: number;
}

/**
 * Per variant and location: units sold in [from, to) (SALE movements take them off hand, so sold is minus
 * their sum) and on hand at `to` (the sum of every movement before it), for each pair that sold in the period
 * or held stock at its end: unsold stock is the point of the report. One statement for every location.
 */
export async function sellThroughOf(ctx: StockContext, args: { from: string; to: string; locationIds?: string[] | null }) {
  const from = instantArg(args.from, 'from');
  const to = instantArg(args.to, 'to');
  if (to <= from || to.getTime() - from.getTime() > MAX_PERIOD_MS)
    throw appError('BAD_USER_INPUT', 'to must be after from, by at most 366 days', { argument: 'to' });
  const locationIds = await reportLocations(ctx, args.locationIds);
  if (locationIds.length === 0) return [];
  const rows = await ctx.db.db.execute<SellThroughRow>(sql`
    with sold as (
      select variant_id, location_id, -sum(delta_on_hand)::int as sold from stock.movements
      where kind = 'SALE' and location_id in ${locationIds} and created_at >= ${from.toISOString()} and created_at < ${to.toISOString()}
      group by variant_id, location_id),
    held as (
      select variant_id, location_id, sum(delta_on_hand)::int as on_hand from stock.movements
      where location_id in ${locationIds} and created_at < ${to.toISOString()}
      group by variant_id, location_id)
    select variant_id, location_id, coalesce(s.sold, 0) as sold, coalesce(h.on_hand, 0) as on_hand
    from sold s full join held h using (variant_id, location_id)
    where coalesce(s.sold, 0) > 0 or coalesce(h.on_hand, 0) > 0
    order by variant_id, location_id`);
  return rows.map((r) => {
    const sold = Number(r.sold);
    const onHandAtEnd = Number(r.on_hand);
    return { variantId: r.variant_id, locationId: r.location_id, sold, onHandAtEnd, sellThroughBasisPoints: sellThroughBasisPoints(sold, onHandAtEnd) };
  });
}
