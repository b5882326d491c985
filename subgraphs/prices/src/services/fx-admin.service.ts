import { sql } from 'drizzle-orm';
import type { PricesContext } from '../context.ts';
import { fxRates } from '../db/tables.ts';
import { formatRate, parseDecimalRate } from '../money/fx.math.ts';
import { fetchFeedRates } from './fx-feed.client.ts';
import { assertCurrency, badInput, parseInstant } from './input.validation.ts';
import { assertStaff } from './staff-scope.ts';

type FxRow = typeof fxRates.$inferSelect;

export function fxRateView(r: Pick<FxRow, 'baseCurrency' | 'quoteCurrency' | 'ratePpb' | 'effectiveFrom' | 'source'>) {
  return {
    baseCurrency: r.baseCurrency,
    quoteCurrency: r.quoteCurrency,
    rate: formatRate(r.ratePpb),
    effectiveFrom: r.effectiveFrom.toISOString(),
    source: r.source,
  };
}

const upsertRates = (ctx: PricesContext, rows: (typeof fxRates.$inferInsert)[]) =>
  ctx.db.db
    .insert(fxRates)
    .values(rows)
    .onConflictDoUpdate({
      target: [fxRates.baseCurrency, fxRates.quoteCurrency, fxRates.effectiveFrom],
      set: { ratePpb: sql`excluded.rate_ppb`, source: sql`excluded.source` },
    })
    .returning();

export interface FxRateInput {
  baseCurrency: string;
  quoteCurrency: string;
  rate: string;
  effectiveFrom?: string | null;
}

/**
 * Staff set a rate, effective now or from a given time (scheduling ahead is allowed; history is kept).
 * Setting the same pair and time again corrects it. Rates apply to every channel, so this needs
 * pricing-admin for every channel.
 */
export async function setFxRate(ctx: PricesContext, input: FxRateInput) {
  assertStaff(ctx, null);
  assertCurrency(input.baseCurrency, 'input.baseCurrency');
  assertCurrency(input.quoteCurrency, 'input.quoteCurrency');
  if (input.baseCurrency === input.quoteCurrency)
    throw badInput('INVALID_CURRENCY_PAIR', 'base and quote currency differ', { argument: 'input.quoteCurrency' });
  const ratePpb = parseDecimalRate(input.rate);
  if (ratePpb === null) throw badInput('INVALID_RATE', 'rate is a positive decimal string with at most 9 decimals, e.g. "161.5"', { argument: 'input.rate' });
  const effectiveFrom = parseInstant(input.effectiveFrom, 'input.effectiveFrom') ?? ctx.now;
  const [row] = await upsertRates(ctx, [
    { baseCurrency: input.baseCurrency, quoteCurrency: input.quoteCurrency, ratePpb, effectiveFrom, source: `staff:${ctx.channel.staff!.id}` },
  ]);
  return fxRateView(row!);
}

/**
 * Imports the configured feed (PRICES_FX_FEED_URL). An unreachable or malformed feed is an expected
 * failure reported as data, and writes nothing; a good feed is written in one statement, so it is all
 * or nothing, and importing the same feed twice changes nothing.
 */
export async function importFxRates(ctx: PricesContext) {
  assertStaff(ctx, null);
  const url = ctx.fxFeedUrl;
  if (!url) throw badInput('FX_FEED_NOT_CONFIGURED', 'no FX feed is configured (PRICES_FX_FEED_URL)');
  let feed: Awaited<ReturnType<typeof fetchFeedRates>>;
  try {
    feed = await fetchFeedRates(url);
  } catch (err) {
    ctx.log.warn({ err, url }, 'fx feed import failed');
    return { __typename: 'FxFeedUnavailable', source: url, message: (err as Error).message };
  }
  if (feed.rates.length === 0) return { __typename: 'FxFeedUnavailable', source: url, message: 'feed has no rates' };
  const effectiveFrom = feed.effectiveFrom ?? ctx.now;
  const source = `feed:${new URL(url).host}`;
  const rows = await upsertRates(
    ctx,
    feed.rates.map((r) => ({ baseCurrency: feed.base, quoteCurrency: r.quote, ratePpb: r.ratePpb, effectiveFrom, source })),
  );
  return { __typename: 'FxRatesImported', source: url, rates: rows.map(fxRateView) };
}

/** Rates in force now (the latest per pair whose time has passed); readable by any staff viewer. */
export async function currentFxRates(ctx: PricesContext) {
  if (!ctx.channel.staff) return [];
  const rows = await ctx.db.db
    .selectDistinctOn([fxRates.baseCurrency, fxRates.quoteCurrency])
    .from(fxRates)
    .where(sql`${fxRates.effectiveFrom} <= ${ctx.now.toISOString()}::timestamptz`)
    .orderBy(fxRates.baseCurrency, fxRates.quoteCurrency, sql`${fxRates.effectiveFrom} desc`);
  return rows.map(fxRateView);
}
