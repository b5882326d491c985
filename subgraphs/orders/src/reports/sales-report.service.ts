import { sql, type SQL } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { reportChannels, type ReportScopeInput } from './report-scope.ts';

export type ReportPeriod = 'DAY' | 'WEEK' | 'MONTH';
export interface SalesReportInput extends ReportScopeInput {
  from: string;
  to: string;
  period?: ReportPeriod | null;
  byChannel?: boolean | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Three years of days: the widest span one report covers. */
const MAX_DAYS = 1_100;
const UNIT: Record<ReportPeriod, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

function parseDay(value: string, argument: string): Date {
  const d = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw appError('BAD_USER_INPUT', `${argument} is a date such as 2026-11-30`, { argument });
  }
  return d;
}

/** The report's range (UTC days, `to` exclusive) and the channel filter, validated before any SQL runs. */
async function scopeOf(ctx: OrdersContext, input: SalesReportInput) {
  const from = parseDay(input.from, 'input.from');
  const to = parseDay(input.to, 'input.to');
  const span = (to.getTime() - from.getTime()) / 86_400_000;
  if (span < 1 || span > MAX_DAYS) throw appError('BAD_USER_INPUT', `to is 1 to ${MAX_DAYS} days after from`, { argument: 'input.to' });
  const channels = await reportChannels(ctx, input);
  const days: SQL[] = [sql`d.day >= ${input.from}::date`, sql`d.day < ${input.to}::date`];
  const facts: SQL[] = [sql`f.placed_at >= ${from.toISOString()}::timestamptz`, sql`f.placed_at < ${to.toISOString()}::timestamptz`];
  if (channels) {
    days.push(sql`d.channel in ${channels}`);
    facts.push(sql`f.channel in ${channels}`);
  }
  return { channels, days: sql.join(days, sql` and `), facts: sql.join(facts, sql` and `) };
}

interface FigureRow extends Record<string, unknown> {
  orders: string;
  cancelled: string;
  unconverted: string;
  units: string;
  gross: string;
  discounts: string;
  shipping: string;
  tax: string;
  total: string;
  refunds: string;
  uncosted: string;
  cost: string;
  fees: string;
}

const AMOUNTS = ['gross', 'discounts', 'shipping', 'tax', 'total', 'refunds', 'cost', 'fees'];
const FIGURES = ['orders', 'cancelled', 'unconverted', 'uncosted', 'units', ...AMOUNTS] as const;

/**
 * Sums over the daily sums (sales_daily), as columns named `<as>_<figure>`; `p` is '' for the order's own
 * currency or 'r_' for the reporting currency.
 */
const sums = (p: '' | 'r_', as: string) =>
  sql.raw(
    ['orders', 'cancelled', 'unconverted', 'uncosted', 'units', ...AMOUNTS.map((c) => `${p}${c}`)]
      .map((c) => `coalesce(sum(d.${c}), 0) as ${as}_${c.replace(/^r_/, '')}`)
      .join(', '),
  );

/** The `<as>_` columns of a row as one figure row. */
const pick = (row: Record<string, unknown>, as: string) => Object.fromEntries(FIGURES.map((k) => [k, String(row[`${as}_${k}`])])) as FigureRow;

/**
 * The figures of one row. Net revenue is what customers paid less tax and refunds; gross margin is net revenue
 * less the cost of goods; net profit is gross margin less payment fees (carriers' costs are not known here, so
 * shipping charged counts as revenue). The average order value is what customers paid per order, rounded half
 * up to the minor unit. Amounts are summed in SQL as bigint and stay integers.
 */
function figures(r: FigureRow, currency: string, reporting: boolean) {
  const m = (amount: bigint) => ({ amount: Number(amount), currency });
  const orders = Number(r.orders);
  const total = BigInt(r.total);
  // In the reporting currency an unconverted order adds 0 to the total, so it does not count in the average.
  const averaged = BigInt(orders - (reporting ? Number(r.unconverted) : 0));
  return {
    orders,
    cancelledOrders: Number(r.cancelled),
    unconvertedOrders: Number(r.unconverted),
    units: Number(r.units),
    gross: m(BigInt(r.gross)),
    discounts: m(BigInt(r.discounts)),
    shipping: m(BigInt(r.shipping)),
    tax: m(BigInt(r.tax)),
    refunds: m(BigInt(r.refunds)),
    total: m(total),
    netRevenue: m(total - BigInt(r.tax) - BigInt(r.refunds)),
    costOfGoods: m(BigInt(r.cost)),
    paymentFees: m(BigInt(r.fees)),
    grossMargin: m(total - BigInt(r.tax) - BigInt(r.refunds) - BigInt(r.cost)),
    netProfit: m(total - BigInt(r.tax) - BigInt(r.refunds) - BigInt(r.cost) - BigInt(r.fees)),
    uncostedLines: Number(r.uncosted),
    averageOrderValue: m(averaged === 0n ? 0n : (total * 2n + averaged) / (averaged * 2n)),
  };
}

/**
 * Sales per period (UTC days, ISO weeks from Monday, months), per channel in its own currency and in the
 * reporting currency, or consolidated across the channels in the reporting currency only. Read from the
 * sales read model (sales-projector.ts), which lags the order book by about a second.
 */
export async function salesReport(ctx: OrdersContext, input: SalesReportInput) {
  const scope = await scopeOf(ctx, input);
  const period = input.period ?? 'DAY';
  const byChannel = input.byChannel ?? true;
  const reporting = ctx.deps.reportingCurrency;
  const bucket = sql.raw(`date_trunc('${UNIT[period]}', d.day)`);
  const both = byChannel ? sql`${sums('', 'own')}, ${sums('r_', 'conv')}` : sums('r_', 'conv');
  const keys = byChannel ? sql`d.channel, d.currency` : sql`null::text as channel, null::text as currency`;
  const rows = await ctx.db.db.execute<{ period: string; channel: string | null; currency: string | null }>(sql`
    select to_char(${bucket}, 'YYYY-MM-DD') as period, ${keys}, ${both}
    from orders.sales_daily d where ${scope.days} group by 1, 2, 3 having sum(d.orders) + sum(d.cancelled) > 0 order by 1, 2, 3`);
  // The totals are the rows' sums, not a second statement: a projector pass committing between two statements
  // would make totals that the rows do not add up to.
  const total = Object.fromEntries(FIGURES.map((k) => [k, rows.reduce((sum, r) => sum + BigInt(pick(r, 'conv')[k] as string), 0n).toString()])) as FigureRow;
  return {
    reportingCurrency: reporting,
    period,
    from: input.from,
    to: input.to,
    channels: scope.channels,
    rows: rows.map((r) => ({
      periodStart: r.period,
      channel: r.channel,
      figures: r.currency ? figures(pick(r, 'own'), r.currency, false) : null,
      reporting: figures(pick(r, 'conv'), reporting, true),
    })),
    totals: figures(total, reporting, true),
  };
}

/** The first day of `d`'s UTC month, as YYYY-MM-DD. */
const monthOf = (d: Date) => `${d.toISOString().slice(0, 7)}-01`;

/**
 * Best sellers by sales in the reporting currency (or only the variants asked), cancelled orders left out.
 * Whole UTC months in the range come from the monthly sums (sales_variant_months); the days before the first
 * whole month and after the last come from the line facts. A year's ranking reads about 12 rows per channel and
 * variant plus at most two partial months of lines.
 */
export async function topProducts(ctx: OrdersContext, input: SalesReportInput, variantIds: string[] | null | undefined, first: number) {
  if (!Number.isInteger(first) || first < 1 || first > 100) throw appError('BAD_USER_INPUT', 'first is 1 to 100', { argument: 'first' });
  if (variantIds && variantIds.length > 100) throw appError('BAD_USER_INPUT', 'at most 100 variants', { argument: 'variantIds' });
  const scope = await scopeOf(ctx, input);
  const from = new Date(`${input.from}T00:00:00Z`);
  const to = new Date(`${input.to}T00:00:00Z`);
  // [wholeFrom, wholeTo): the whole months inside [from, to); empty when the range holds none.
  const wholeFrom = from.getUTCDate() === 1 ? monthOf(from) : monthOf(new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1)));
  const wholeTo = monthOf(to);
  const months = wholeFrom < wholeTo;
  const onlyLines = variantIds?.length ? sql` and l.variant_id in ${variantIds}` : sql``;
  const onlyMonths = variantIds?.length ? sql` and m.variant_id in ${variantIds}` : sql``;
  const channelsOf = scope.channels ? sql` and m.channel in ${scope.channels}` : sql``;
  // Instants, not dates: a date would be read in the session's time zone.
  const edges = months ? sql` and (f.placed_at < ${`${wholeFrom}T00:00:00Z`}::timestamptz or f.placed_at >= ${`${wholeTo}T00:00:00Z`}::timestamptz)` : sql``;
  const monthly = months
    ? sql`union all select m.variant_id, m.sku, m.units, m.orders, m.r_sales from orders.sales_variant_months m
        where m.month >= ${wholeFrom}::date and m.month < ${wholeTo}::date${channelsOf}${onlyMonths}`
    : sql``;
  const rows = await ctx.db.db.execute<{ variant_id: string; sku: string; units: string; orders: string; sales: string }>(sql`
    select p.variant_id, min(p.sku) as sku, sum(p.units) as units, sum(p.orders) as orders, sum(p.r_sales) as sales
    from (
      select l.variant_id, min(l.sku) as sku, sum(l.quantity) as units, count(distinct l.order_id) as orders, sum(l.r_line_total) as r_sales
      from orders.sales_fact_lines l join orders.sales_facts f on f.order_id = l.order_id
      where ${scope.facts} and not f.cancelled${edges}${onlyLines} group by l.variant_id
      ${monthly}
    ) p
    group by p.variant_id having sum(p.orders) > 0 order by sum(p.r_sales) desc, p.variant_id limit ${first}`);
  const currency = ctx.deps.reportingCurrency;
  return rows.map((r) => ({
    variantId: r.variant_id,
    sku: r.sku,
    units: Number(r.units),
    orders: Number(r.orders),
    sales: { amount: Number(r.sales), currency },
  }));
}
