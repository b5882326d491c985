import { sql } from 'drizzle-orm';
import { convertMinor } from '@storegraph/schema';
import type { Logger } from '@storegraph/kit';
import type { OrdersDb } from '../context.ts';
import { factsOf, type FactDeps, type LineRow, type OrderRow } from './sales-facts.ts';

/** Outbox rows one pass projects; a backlog drains in short transactions. */
const BATCH = 200;
/** Facts without a rate looked at again per pass (each at most once a minute), in case the rate was set since. */
const RETRY = 50;
/** How often the best sellers' monthly sums are rebuilt from the facts (see rebuildVariantMonths). */
const MONTHS_REBUILD = '1 hour';

type Tx = Parameters<Parameters<OrdersDb['db']['transaction']>[0]>[0];
type ProjectorDeps = FactDeps;

const AMOUNTS = ['gross', 'discounts', 'shipping', 'tax', 'total', 'refunds', 'cost', 'fees'] as const;

/**
 * Adds (sign 1) or takes out (sign -1) the facts of `ids` from the daily sums: taken out before the facts
 * change and added after, the sums stay exactly the sums of the facts.
 */
function rollDaily(tx: Tx, ids: string[], sign: 1 | -1) {
  const cols = [...AMOUNTS, ...AMOUNTS.map((a) => `r_${a}`)];
  const sums = cols.map((c) => `${sign} * coalesce(sum(${c}) filter (where not cancelled), 0)`).join(', ');
  const s = sql.raw(String(sign));
  return tx.execute(sql`
    insert into orders.sales_daily (day, channel, currency, orders, cancelled, unconverted, units, uncosted, ${sql.raw(cols.join(', '))})
    select (placed_at at time zone 'UTC')::date, channel, currency, ${s} * count(*) filter (where not cancelled),
      ${s} * count(*) filter (where cancelled), ${s} * count(*) filter (where not cancelled and rate_ppb is null),
      ${s} * coalesce(sum(units) filter (where not cancelled), 0), ${s} * coalesce(sum(uncosted_lines) filter (where not cancelled), 0),
      ${sql.raw(sums)}
    from orders.sales_facts where order_id in ${ids} group by 1, 2, 3
    on conflict (channel, day, currency) do update set orders = sales_daily.orders + excluded.orders,
      cancelled = sales_daily.cancelled + excluded.cancelled, unconverted = sales_daily.unconverted + excluded.unconverted,
      units = sales_daily.units + excluded.units, uncosted = sales_daily.uncosted + excluded.uncosted, ${sql.raw(cols.map((c) => `${c} = sales_daily.${c} + excluded.${c}`).join(', '))}`);
}

/**
 * The same for the best sellers' monthly sums (sales_variant_months): the lines of `ids` whose order is not
 * cancelled, per channel, UTC month and variant. Taken out before the facts and lines change, added after.
 */
function rollVariantMonths(tx: Tx, ids: string[], sign: 1 | -1) {
  const s = sql.raw(String(sign));
  return tx.execute(sql`
    insert into orders.sales_variant_months (channel, month, variant_id, sku, units, orders, r_sales)
    select f.channel, date_trunc('month', f.placed_at at time zone 'UTC')::date, l.variant_id, min(l.sku),
      ${s} * sum(l.quantity), ${s} * count(distinct l.order_id), ${s} * sum(l.r_line_total)
    from orders.sales_fact_lines l join orders.sales_facts f on f.order_id = l.order_id
    where l.order_id in ${ids} and not f.cancelled group by 1, 2, 3
    on conflict (channel, month, variant_id) do update set units = sales_variant_months.units + excluded.units,
      orders = sales_variant_months.orders + excluded.orders, r_sales = sales_variant_months.r_sales + excluded.r_sales`);
}

/**
 * The best sellers' monthly sums recomputed from the facts, in the pass's transaction (readers see the old rows
 * until it commits). Run when the table is new and then hourly: replicas of an earlier release, still projecting
 * during a rolling upgrade, update the facts but not this table, and the hourly rebuild counts what they
 * projected. About a second for 100,000 orders; deltas keep it exact in between.
 */
async function rebuildVariantMonths(tx: Tx) {
  await tx.execute(sql`delete from orders.sales_variant_months`);
  await tx.execute(sql`
    insert into orders.sales_variant_months (channel, month, variant_id, sku, units, orders, r_sales)
    select f.channel, date_trunc('month', f.placed_at at time zone 'UTC')::date, l.variant_id, min(l.sku),
      sum(l.quantity), count(distinct l.order_id), sum(l.r_line_total)
    from orders.sales_fact_lines l join orders.sales_facts f on f.order_id = l.order_id
    where not f.cancelled group by 1, 2, 3`);
  await tx.execute(sql`update orders.report_projection set months_rebuilt_at = now() where name = 'sales'`);
}

/**
 * Re-projects orders from their current state (the order row, not the event's payload): whatever order the
 * events of one order are projected in, the fact ends as the order is. One statement per table.
 */
async function projectOrders(tx: Tx, ids: string[], deps: ProjectorDeps) {
  const found = await tx.execute<OrderRow>(sql`
    select id, channel, currency, placed_at, status, version, payment_provider, subtotal, discount_total, shipping_total, tax_total, total
    from orders.orders where id in ${ids}`);
  const lines = await tx.execute<LineRow>(sql`
    select order_id, line_no, variant_id, sku, quantity, line_total from orders.order_lines where order_id in ${ids}`);
  // Rates and costs are asked before anything is written: no row is locked while prices answers.
  const { facts, factLines } = await factsOf([...found], [...lines], deps);
  await rollDaily(tx, ids, -1);
  await rollVariantMonths(tx, ids, -1);
  const gone = ids.filter((id) => !found.some((o) => o.id === id));
  if (gone.length) await tx.execute(sql`delete from orders.sales_facts where order_id in ${gone}`);
  if (found.length === 0) return;
  await tx.execute(sql`
    insert into orders.sales_facts (order_id, channel, currency, placed_at, cancelled, units, gross, discounts, shipping, tax, total,
      cost, fees, uncosted_lines, reporting_currency, rate_ppb, r_gross, r_discounts, r_shipping, r_tax, r_total, r_cost, r_fees,
      order_version, projected_at)
    select f.*, now() from jsonb_to_recordset(${JSON.stringify(facts)}::jsonb) as f(order_id text, channel text, currency text,
      placed_at timestamptz, cancelled boolean, units int, gross bigint, discounts bigint, shipping bigint, tax bigint, total bigint,
      cost bigint, fees bigint, uncosted_lines int, reporting_currency text, rate_ppb bigint, r_gross bigint, r_discounts bigint,
      r_shipping bigint, r_tax bigint, r_total bigint, r_cost bigint, r_fees bigint, order_version int)
    on conflict (order_id) do update set cancelled = excluded.cancelled, units = excluded.units, gross = excluded.gross,
      discounts = excluded.discounts, shipping = excluded.shipping, tax = excluded.tax, total = excluded.total, cost = excluded.cost,
      fees = excluded.fees, uncosted_lines = excluded.uncosted_lines, reporting_currency = excluded.reporting_currency,
      rate_ppb = excluded.rate_ppb, r_gross = excluded.r_gross, r_discounts = excluded.r_discounts, r_shipping = excluded.r_shipping,
      r_tax = excluded.r_tax, r_total = excluded.r_total, r_cost = excluded.r_cost, r_fees = excluded.r_fees,
      order_version = excluded.order_version, projected_at = now()`);
  await rollDaily(tx, ids, 1);
  await tx.execute(sql`delete from orders.sales_fact_lines where order_id in ${found.map((o) => o.id)}`);
  if (factLines.length === 0) return;
  await tx.execute(sql`
    insert into orders.sales_fact_lines (order_id, line_no, variant_id, sku, quantity, line_total, r_line_total)
    select * from jsonb_to_recordset(${JSON.stringify(factLines)}::jsonb) as l(order_id text, line_no int, variant_id text, sku text,
      quantity int, line_total bigint, r_line_total bigint)`);
  await rollVariantMonths(tx, ids, 1);
}

/**
 * Refunds paid back (`refund.issued`) are booked on the UTC day they were paid, not on the order's day: the
 * day's `refunds` grows by their amount, and `r_refunds` by it converted at the rate the order's fact was
 * converted at (the order's own day, so a full refund takes out exactly what the order put in; 0 while the
 * order has no rate). Facts never carry refunds, so re-projecting an order leaves them alone; each event is
 * booked once because the cursor moves past it in the same transaction.
 */
async function bookRefunds(tx: Tx, refundIds: string[], deps: ProjectorDeps) {
  const rows = await tx.execute<{ day: string; channel: string; currency: string; amount: string; rate_ppb: string | null }>(sql`
    select ((r.refunded_at at time zone 'UTC')::date)::text as day, r.channel, r.currency, r.amount::text, f.rate_ppb::text
    from orders.refunds r left join orders.sales_facts f on f.order_id = r.order_id
    where r.id in ${refundIds} and r.status = 'REFUNDED' and r.amount > 0`);
  for (const r of rows) {
    const reporting = r.rate_ppb ? convertMinor(BigInt(r.amount), r.currency, deps.reportingCurrency, BigInt(r.rate_ppb)) : 0n;
    await tx.execute(sql`
      insert into orders.sales_daily (day, channel, currency, refunds, r_refunds)
      values (${r.day}::date, ${r.channel}, ${r.currency}, ${r.amount}::bigint, ${reporting.toString()}::bigint)
      on conflict (channel, day, currency) do update set refunds = sales_daily.refunds + excluded.refunds,
        r_refunds = sales_daily.r_refunds + excluded.r_refunds`);
  }
}

/**
 * One pass of the sales projector, in one transaction (a crash leaves all of it to the next pass): the next
 * outbox rows in (transaction, id) order, only of transactions older than every one still running, so that none
 * can commit behind the cursor; their orders projected; the cursor moved on. Then a few facts that lacked a rate,
 * in case it has been set since. Passes run one at a time across replicas (a transaction-scoped advisory
 * lock). It never locks or marks outbox rows, so the webhook relay's claims and order are untouched. A transaction
 * left open anywhere on the server holds projection back until it ends (the price of never missing a row).
 * Returns the rows it projected.
 */
export async function projectSalesPass(db: OrdersDb['db'], deps: ProjectorDeps): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ held: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('storegraph:reports:sales')) as held`);
    if (!lock?.held) return 0;
    const [cursor] = await tx.execute<{ last_xid: string; last_id: string; reporting_currency: string | null; months_stale: boolean }>(
      sql`select last_xid::text, last_id, reporting_currency,
        coalesce(months_rebuilt_at < now() - ${MONTHS_REBUILD}::interval, true) as months_stale
        from orders.report_projection where name = 'sales'`,
    );
    if (cursor!.reporting_currency !== deps.reportingCurrency) {
      // Facts in another reporting currency would be summed with the new one's: rebuild from the start.
      await tx.execute(sql`delete from orders.sales_daily`);
      await tx.execute(sql`delete from orders.sales_variant_months`);
      await tx.execute(sql`update orders.report_projection set months_rebuilt_at = null where name = 'sales'`);
      await tx.execute(sql`delete from orders.sales_facts`);
      await tx.execute(sql`update orders.report_projection set last_xid = '0', last_id = 0, reporting_currency = ${deps.reportingCurrency}
        where name = 'sales'`);
      return 1;
    }
    if (cursor!.months_stale) await rebuildVariantMonths(tx);
    const events = await tx.execute<{ id: string; xid: string; type: string; aggregate_id: string; refund_id: string | null }>(sql`
      select id, xid::text, type, aggregate_id, data->>'refundId' as refund_id from orders.outbox
      where (xid, id) > (${cursor!.last_xid}::xid8, ${cursor!.last_id}::bigint) and xid < pg_snapshot_xmin(pg_current_snapshot())
      order by xid, id limit ${BATCH}`);
    const retry = await tx.execute<{ order_id: string }>(sql`
      select order_id from orders.sales_facts where not cancelled and rate_ppb is null
        and projected_at < now() - interval '1 minute' order by projected_at limit ${RETRY}`);
    const orderIds = [...new Set([...events.filter((e) => e.type.startsWith('order.')).map((e) => e.aggregate_id), ...retry.map((r) => r.order_id)])];
    if (orderIds.length > 0) await projectOrders(tx, orderIds, deps);
    const refundIds = events.filter((e) => e.type === 'refund.issued' && e.refund_id).map((e) => e.refund_id!);
    if (refundIds.length > 0) await bookRefunds(tx, refundIds, deps);
    const last = events.at(-1);
    if (last) await tx.execute(sql`update orders.report_projection set last_xid = ${last.xid}::xid8, last_id = ${last.id} where name = 'sales'`);
    return events.length;
  });
}

/** The projector's loop: passes until caught up, then one every `intervalMs`; stops between passes. */
export function startSalesProjector(db: OrdersDb['db'], deps: ProjectorDeps, log: Logger, intervalMs: number): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = (async () => {
      while (!stopped && (await projectSalesPass(db, deps)) >= BATCH);
    })()
      .catch((err) => log.warn({ err }, 'sales projection pass failed; retrying'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
