import { sql } from 'drizzle-orm';
import type { StockDb } from '../context.ts';
import type { RebalanceStrategy } from '../strategies/rebalance.strategy.ts';
import { defaultRebalance } from '../strategies/default-rebalance.strategy.ts';
import { appError } from '@storegraph/schema';

export interface RebalanceOptions {
  /** Only this variant; all variants with DYNAMIC fences when absent. */
  variantId?: string | null;
  /** Demand is counted over this many hours before now. */
  windowHours: number;
  /** Refuses (throws) when the caller may not move fences of these channels. */
  authorise?: (channels: string[]) => void;
  strategy?: RebalanceStrategy;
}

export interface FenceRow {
  channel: string;
  variantId: string;
  locationId: string;
  remaining: number;
}

/**
 * Re-splits, per (variant, location), the units fenced for DYNAMIC channels among the DYNAMIC channels
 * selling from that location, in proportion to the units each reserved for the variant in the window.
 * The fenced total of a pair does not change, only its split. One transaction: the level rows of the
 * pairs are locked first, in (variant_id, location_id) order, like every other writer of fences.
 */
export async function rebalanceFences(database: StockDb, opts: RebalanceOptions): Promise<FenceRow[]> {
  if (!Number.isInteger(opts.windowHours) || opts.windowHours < 1 || opts.windowHours > 24 * 90) {
    throw appError('BAD_USER_INPUT', 'windowHours must be from 1 to 2160', { argument: 'windowHours' });
  }
  const strategy = opts.strategy ?? defaultRebalance;
  const variantFilter = opts.variantId ? sql`and a.variant_id = ${opts.variantId}` : sql``;
  return database.db.transaction(async (tx) => {
    const pairs = (await tx.execute(sql`
      select l.variant_id, l.location_id from stock.levels l
      where (l.variant_id, l.location_id) in (
        select a.variant_id, a.location_id from stock.allocations a
        join stock.channel_allocation_policies p on p.channel = a.channel and p.mode = 'DYNAMIC'
        where true ${variantFilter})
      order by l.variant_id, l.location_id for update`)) as unknown as { variant_id: string; location_id: string }[];
    if (pairs.length === 0) return [];
    const variants = [...new Set(pairs.map((p) => p.variant_id))];
    const locationIds = [...new Set(pairs.map((p) => p.location_id))];
    const participants = (await tx.execute(sql`
      select cl.channel, cl.location_id from stock.channel_locations cl
      join stock.channel_allocation_policies p on p.channel = cl.channel and p.mode = 'DYNAMIC'
      where cl.location_id in ${locationIds} order by cl.channel`)) as unknown as { channel: string; location_id: string }[];
    opts.authorise?.([...new Set(participants.map((p) => p.channel))]);
    const fences = (await tx.execute(sql`
      select a.channel, a.variant_id, a.location_id, a.remaining from stock.allocations a
      join stock.channel_allocation_policies p on p.channel = a.channel and p.mode = 'DYNAMIC'
      where a.variant_id in ${variants}`)) as unknown as { channel: string; variant_id: string; location_id: string; remaining: number }[];
    const demand = (await tx.execute(sql`
      select m.channel, m.variant_id, sum(m.delta_reserved)::int as units from stock.movements m
      where m.kind = 'RESERVATION' and m.variant_id in ${variants}
        and m.created_at > now() - make_interval(hours => ${opts.windowHours}::int)
      group by 1, 2`)) as unknown as { channel: string; variant_id: string; units: number }[];

    const out: FenceRow[] = [];
    for (const pair of pairs) {
      const channels = participants.filter((p) => p.location_id === pair.location_id).map((p) => p.channel);
      const current = (c: string) =>
        fences.find((f) => f.channel === c && f.variant_id === pair.variant_id && f.location_id === pair.location_id)?.remaining ?? 0;
      const total = channels.reduce((s, c) => s + current(c), 0);
      const split = strategy.split(
        total,
        channels.map((channel) => ({
          channel,
          current: current(channel),
          demand: demand.find((d) => d.channel === channel && d.variant_id === pair.variant_id)?.units ?? 0,
        })),
      );
      for (const channel of channels) {
        const remaining = split.get(channel) ?? 0;
        if (remaining !== current(channel)) {
          await tx.execute(sql`
            insert into stock.allocations (channel, variant_id, location_id, remaining)
            values (${channel}, ${pair.variant_id}, ${pair.location_id}, ${remaining})
            on conflict (channel, variant_id, location_id) do update set remaining = excluded.remaining, updated_at = now()`);
        }
        out.push({ channel, variantId: pair.variant_id, locationId: pair.location_id, remaining });
      }
    }
    return out;
  });
}
