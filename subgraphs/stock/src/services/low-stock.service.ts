import { sql } from 'drizzle-orm';
import { appError, notInChannel } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import { requireStockAdminOn } from './staff-scope.service.ts';

const MAX_THRESHOLD = 1_000_000;

export interface LowStockThreshold {
  channel: string;
  variantId: string;
  threshold: number;
  available: number;
  below: boolean;
}

/**
 * Sets (or with 0 removes) the stock.low threshold of a variant in a channel. `below` starts as what is
 * true now, so setting a threshold above today's level announces nothing: only a later change that
 * crosses it does (the deferred trigger stock.check_low_stock, migration 0007).
 */
export async function setLowStockThreshold(ctx: StockContext, input: { channel: string; variantId: string; threshold: number }): Promise<LowStockThreshold> {
  requireStockAdminOn(ctx, input.channel);
  if (!Number.isInteger(input.threshold) || input.threshold < 0 || input.threshold > MAX_THRESHOLD) {
    throw appError('BAD_USER_INPUT', `threshold must be from 0 to ${MAX_THRESHOLD}`, { argument: 'input.threshold' });
  }
  if (input.variantId.length === 0 || input.variantId.length > 64)
    throw appError('BAD_USER_INPUT', 'variantId is not a variant id', { argument: 'input.variantId' });
  const { channel, variantId, threshold } = input;
  // Only a variant the channel sells, as the catalog says in the caller's own context (the rule reservations
  // use): an unknown or foreign id would otherwise leave a threshold row nothing ever reads.
  if (channel !== ctx.channel.channel)
    throw appError('BAD_USER_INPUT', `set ${channel}'s thresholds while working in ${channel}`, { argument: 'input.channel' });
  const { hidden } = await ctx.catalog.shown(ctx, 'Variant', [variantId]);
  if (hidden.length > 0) throw notInChannel(channel, hidden);
  const [row] = (await ctx.db.db.execute(
    threshold === 0
      ? sql`with gone as (delete from stock.low_stock_thresholds where variant_id = ${variantId} and channel = ${channel})
          select 0 as threshold, stock.channel_available(${variantId}, ${channel}) as available, false as below`
      : sql`insert into stock.low_stock_thresholds (variant_id, channel, threshold, below)
          values (${variantId}, ${channel}, ${threshold}, stock.channel_available(${variantId}, ${channel}) < ${threshold})
          on conflict (variant_id, channel) do update set threshold = excluded.threshold, below = excluded.below, updated_at = now()
          returning threshold, stock.channel_available(${variantId}, ${channel}) as available, below`,
  )) as unknown as { threshold: number; available: number; below: boolean }[];
  return { channel, variantId, threshold: Number(row!.threshold), available: Number(row!.available), below: row!.below };
}
