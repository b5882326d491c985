import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import postgres from 'postgres';
import { DEV_IDP_SECRET, issueToken, loadAllowList } from '@storegraph/bff-kit';
import { rssMiB, type ServiceProcess } from './processes.ts';

/**
 * A trade buyer's 5,000-line CSV bulk order through the B2B BFF by operation name, step by step: the check
 * (every row against catalogue, minimum, pack size and stock, nothing written), the file into a cart, the
 * cart's details, and PlaceOrder through the checkout saga (quote and reservation of 5,000 lines at once).
 * Each step's time, and the orders and BFF processes' peak RSS while it ran (sampled every 20 ms), go into
 * the report's notes: one order is a single run, not a rate.
 */

const OPS = ['CheckBulkOrder', 'AddBulkOrderToCart', 'CreateCart', 'SetCartDetails', 'PlaceOrder'];
const NAMES = new Set([...loadAllowList(readFileSync(new URL('../../bffs/b2b/src/operations.graphql', import.meta.url), 'utf8')).values()].map((o) => o.name));
const SHARED = new Set(
  [...loadAllowList(readFileSync(new URL('../../bffs/kit/src/shared-operations.graphql', import.meta.url), 'utf8')).values()].map((o) => o.name),
);
for (const name of OPS) if (!NAMES.has(name) && !SHARED.has(name)) throw new Error(`${name} is not allow-listed on the B2B BFF`);

const LINES = 5_000;

interface Env {
  b2bUrl: string;
  databaseUrl: string;
  services: ServiceProcess[];
}

/** Peak RSS (MiB) of these processes while `run` runs. */
async function measured<T>(procs: ServiceProcess[], run: () => Promise<T>): Promise<{ value: T; ms: number; peak: Record<string, number> }> {
  const peak: Record<string, number> = Object.fromEntries(procs.map((p) => [p.name, rssMiB(p.child.pid!)]));
  const timer = setInterval(() => {
    for (const p of procs) peak[p.name] = Math.max(peak[p.name]!, rssMiB(p.child.pid!));
  }, 20);
  const started = performance.now();
  try {
    const value = await run();
    return { value, ms: Math.round(performance.now() - started), peak };
  } finally {
    clearInterval(timer);
  }
}

export async function runBulkOrderScenario(env: Env): Promise<string[]> {
  const sql = postgres(env.databaseUrl, { max: 1 });
  // 5,000 variants the trade portal sells with at least one unit at the Hamburg warehouse it sells from.
  const rows = await sql<{ sku: string }[]>`
    select v.sku from products.variants v
    join products.channel_products cp on cp.product_id = v.product_id and cp.channel = 'trade-eu' and cp.visible
    where v.status = 'ACTIVE'
      and exists (select 1 from stock.levels l where l.variant_id = v.id and l.location_id = 'loc_wh_hamburg' and l.on_hand - l.reserved >= 1)
    order by v.id limit ${LINES}`;
  await sql.end();
  if (rows.length < LINES) return [`Bulk order: skipped, only ${rows.length} trade-eu variants in stock (BENCH_PRODUCTS too small)`];
  const csv = `sku,quantity\r\n${rows.map((r) => `${r.sku},1`).join('\r\n')}\r\n`;

  // A buyer of a company of the bench's own: no approval rules or credit line of the demo companies apply.
  const token = await issueToken({ sub: `cus_bench_bulk_${process.pid}`, kind: 'buyer', company: `cmp_bench_bulk_${process.pid}` }, DEV_IDP_SECRET);
  const u = new URL(env.b2bUrl);
  const pool = new Pool(u.origin, { connections: 1 });
  const op = async (operationName: string, variables: object) => {
    const res = await pool.request({
      method: 'POST',
      path: u.pathname,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ operationName, variables }),
      headersTimeout: 300_000,
      bodyTimeout: 300_000,
    });
    const body = (await res.body.json()) as { data?: any; errors?: unknown[] };
    if (!body.data || body.errors) throw new Error(`${operationName} failed (${res.statusCode}): ${JSON.stringify(body.errors).slice(0, 500)}`);
    return body.data;
  };
  const procs = env.services.filter((s) => ['orders', 'products', 'stock', 'prices', 'bff-b2b'].includes(s.name));
  const fmt = (m: { ms: number; peak: Record<string, number> }) =>
    `${m.ms} ms (peak RSS ${Object.entries(m.peak)
      .map(([n, v]) => `${n} ${v}`)
      .join(', ')} MiB)`;
  try {
    const check = await measured(procs, () => op('CheckBulkOrder', { csv }));
    const report = check.value.checkBulkOrder;
    if (report.problems.length > 0) throw new Error(`bench file has bad rows: ${JSON.stringify(report.problems.slice(0, 3))}`);
    const cart = (await op('CreateCart', { email: 'bulk-bench@example.com' })).createCart;
    const added = await measured(procs, () => op('AddBulkOrderToCart', { cartId: cart.id, csv }));
    const details = await measured(procs, () =>
      op('SetCartDetails', {
        cartId: cart.id,
        input: {
          shippingAddress: { name: 'Bench Buyer', line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
          shippingMethod: 'standard',
        },
      }),
    );
    const ready = details.value.setCartDetails;
    const placed = await measured(procs, () =>
      op('PlaceOrder', {
        input: { cartId: cart.id, idempotencyKey: `bench-bulk-${Date.now()}`, expectedTotal: ready.totals.total, payment: { provider: 'manual' } },
      }),
    );
    return [
      `Bulk order, ${LINES}-line CSV (${Math.round(csv.length / 1024)} KB): CheckBulkOrder ${fmt(check)}`,
      `Bulk order: AddBulkOrderToCart ${fmt(added)}; SetCartDetails (prices 5,000 lines) ${fmt(details)}`,
      `Bulk order: PlaceOrder -> ${placed.value.placeOrder.__typename} in ${fmt(placed)}; check to placed ${check.ms + added.ms + details.ms + placed.ms} ms`,
    ];
  } catch (err) {
    return [`Bulk order: failed: ${(err as Error).message}`];
  } finally {
    await pool.close();
  }
}
