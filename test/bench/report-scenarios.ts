import postgres from 'postgres';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { benchStaffContext } from './staff-context.ts';
import type { ScenarioResult } from './report.ts';

const ORDERS = Number(process.env.BENCH_REPORT_ORDERS ?? 100_000);
const CALLS = 30;

/**
 * Reports over a year of history: ORDERS orders (2 lines each, 1 in 20 cancelled) spread over the last 365
 * days of web-eu, web-us, trade-eu and pos-berlin, written as the order book writes them (order, lines,
 * order.placed in the outbox, marked published so no receiver is sent them). Measures how fast the sales
 * projector turns the backlog into the read model (orders per second), then the latency of a year's reports
 * asked one after another on the orders subgraph: per day and channel, per month consolidated, top products.
 */
export async function runReportScenarios(env: { ordersUrl: string; databaseUrl: string }): Promise<ScenarioResult[]> {
  const sql = postgres(env.databaseUrl, { max: 1 });
  try {
    const variants = (await sql`select id from products.variants order by id limit 200`).map((r) => r.id as string);
    const [before] = await sql`select count(*)::int as n from orders.sales_facts`;
    const writeStart = Date.now();
    await sql`
      with o as (
        insert into orders.orders (id, number, channel, status, currency, subtotal, discount_total, shipping_total, tax_total, total, placed_at)
        select 'ord_bench_' || g, 'BENCH-' || g, c.channel, case when g % 20 = 0 then 'CANCELLED' else 'PROCESSING' end, c.currency,
          2000 + (g % 50) * 100, (g % 5) * 100, 490, (2000 + (g % 50) * 100) * 19 / 119, 2000 + (g % 50) * 100 - (g % 5) * 100 + 490,
          now() - (g % 365) * interval '1 day' - (g % 86400) * interval '1 second'
        from generate_series(1, ${ORDERS}::int) g,
          lateral (select (array['web-eu', 'web-us', 'trade-eu', 'pos-berlin'])[1 + g % 4] as channel,
                          (array['EUR', 'USD', 'EUR', 'EUR'])[1 + g % 4] as currency) c
        returning id, channel, currency, total),
      l as (
        insert into orders.order_lines (order_id, line_no, variant_id, sku, quantity, unit_amount, line_total)
        select o.id, n, (${variants}::text[])[1 + (abs(hashtext(o.id)) + n) % ${variants.length}], 'BENCH', n, 1000, n * 1000
        from o, generate_series(1, 2) n)
      insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data, published_at)
      select 'order.placed', o.channel, o.id, 1, jsonb_build_object('orderId', o.id), now() from o`;
    console.log(`[bench] reports: wrote ${ORDERS} orders of history in ${((Date.now() - writeStart) / 1000).toFixed(1)} s`);
    const projectStart = Date.now();
    let projected = 0;
    while (Date.now() < projectStart + 600_000) {
      const [row] = await sql`select count(*)::int as n from orders.sales_facts`;
      projected = row!.n - before!.n;
      if (projected >= ORDERS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const projectSeconds = (Date.now() - projectStart) / 1000;
    console.log(`[bench] reports: projected ${projected} orders in ${projectSeconds.toFixed(1)} s`);
    const results: ScenarioResult[] = [
      {
        name: `sales projector catching up on ${ORDERS} orders (orders/s)`,
        target: 'orders',
        baseline: false,
        rps: projected / projectSeconds,
        p50: 0,
        p99: 0,
        errors: ORDERS - projected,
        probeError: null,
        sqlStatements: {},
        cpu: {},
      },
    ];
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const year = { from: day(-365), to: day(1) };
    const asks: [string, string, object][] = [
      ['salesReport: a year per day and channel (4 channels)', REPORT, { input: { ...year, period: 'DAY' } }],
      ['salesReport: a year per month, consolidated', REPORT, { input: { ...year, period: 'MONTH', byChannel: false } }],
      ['topProducts: a year, first 10', TOP, { input: year }],
    ];
    const context = await benchStaffContext(['report-viewer']);
    for (const [name, query, variables] of asks) {
      const times: number[] = [];
      let errors = 0;
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        const res = await fetch(env.ordersUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: context },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as { errors?: unknown };
        times.push(performance.now() - t);
        if (body.errors) errors++;
      }
      times.sort((a, b) => a - b);
      const pct = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))]!);
      console.log(`[bench] reports: ${name}: p50 ${pct(50)} ms, p99 ${pct(99)} ms over ${projected} orders`);
      results.push({
        name: `${name} over ${projected} orders (one caller)`,
        target: 'orders',
        baseline: false,
        rps: 1000 / (times.reduce((s, x) => s + x, 0) / times.length),
        p50: pct(50),
        p99: pct(99),
        errors,
        probeError: null,
        sqlStatements: {},
        cpu: {},
      });
    }
    return results;
  } finally {
    await sql.end();
  }
}

const REPORT = `query BenchSalesReport($input: SalesReportInput!) {
  salesReport(input: $input) { rows { periodStart channel reporting { orders total { amount } netRevenue { amount } } } totals { orders total { amount } } }
}`;
const TOP = `query BenchTop($input: SalesReportInput!) { topProducts(input: $input, first: 10) { variantId units sales { amount } } }`;
