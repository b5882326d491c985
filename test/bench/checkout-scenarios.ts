import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import postgres from 'postgres';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { SQL_COUNT_HEADER } from '@storegraph/kit';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { benchStaffContext } from './staff-context.ts';
import { DEV_IDP_SECRET, issueToken, loadAllowList } from '@storegraph/bff-kit';
import { cpuSeconds, postgresCpuSeconds, rssMiB, type ServiceProcess } from './processes.ts';
import type { ScenarioResult } from './report.ts';

/**
 * Checkout under load, through the B2C BFF by operation name as a storefront sends it: carts are prepared
 * first (not measured), then placeOrder is measured alone, and a flash sale races 500 buyers for 100 units.
 */

const SHARED = readFileSync(new URL('../../bffs/kit/src/shared-operations.graphql', import.meta.url), 'utf8');
const OWN = readFileSync(new URL('../../bffs/b2c/src/operations.graphql', import.meta.url), 'utf8');
const NAMES = new Set([...loadAllowList(`${OWN}\n${SHARED}`).values()].map((o) => o.name));
for (const name of ['CreateCart', 'AddCartLines', 'SetCartDetails', 'PlaceOrder']) if (!NAMES.has(name)) throw new Error(`${name} is not allow-listed`);

const ADDRESS = { name: 'Bench Shopper', line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

interface Env {
  b2cUrl: string;
  gatewayUrl: string;
  databaseUrl: string;
  services: ServiceProcess[];
  duration: number;
  warmup: number;
}

interface Prepared {
  cartId: string;
  total: number;
  token: string;
}

class BffClient {
  private readonly pool: Pool;
  private readonly path: string;
  constructor(url: string, connections: number) {
    const u = new URL(url);
    this.pool = new Pool(u.origin, { connections, pipelining: 1 });
    this.path = u.pathname;
  }
  async op<T = any>(
    operationName: string,
    variables: object,
    token: string,
    extra: Record<string, string> = {},
  ): Promise<{ data?: T; errors?: any[]; extensions?: any }> {
    const res = await this.pool.request({
      method: 'POST',
      path: this.path,
      headers: { 'content-type': 'application/json', 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-eu']!, authorization: `Bearer ${token}`, ...extra },
      body: JSON.stringify({ operationName, variables }),
    });
    return (await res.body.json()) as { data?: T; errors?: any[] };
  }
  close() {
    return this.pool.close();
  }
}

/** Runs `n` tasks with at most `width` in flight. */
async function inParallel<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

async function prepareCart(client: BffClient, token: string, lines: { variantId: string; quantity: number }[]): Promise<Prepared> {
  const created = await client.op('CreateCart', { email: 'bench@example.com' }, token);
  if (!created.data) throw new Error(`CreateCart: ${JSON.stringify(created.errors)}`);
  const cartId = created.data.createCart.id as string;
  const added = await client.op('AddCartLines', { cartId, lines }, token);
  if (!added.data) throw new Error(`AddCartLines: ${JSON.stringify(added.errors)}`);
  const ready = await client.op('SetCartDetails', { cartId, input: { shippingAddress: ADDRESS, shippingMethod: 'standard' } }, token);
  const total = ready.data?.setCartDetails?.totals?.total?.amount;
  if (typeof total !== 'number') throw new Error(`SetCartDetails: ${JSON.stringify(ready.errors ?? ready.data?.setCartDetails?.problems)}`);
  return { cartId, total, token };
}

let seq = 0;
const placeInput = (c: Prepared) => ({
  input: {
    cartId: c.cartId,
    idempotencyKey: `bench-${process.pid}-${(seq++).toString(36)}-${Date.now().toString(36)}`,
    expectedTotal: { amount: c.total, currency: 'EUR' },
    payment: { provider: 'manual' },
  },
});

async function customers(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => issueToken({ sub: `cus_bench_${process.pid}_${i}`, kind: 'customer' }, DEV_IDP_SECRET)));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

function cpuWindow(services: ServiceProcess[]) {
  const before = Object.fromEntries(services.map((p) => [p.name, cpuSeconds(p.child.pid!)]));
  const pgBefore = postgresCpuSeconds();
  const started = performance.now();
  let ordersPeak = 0;
  const orders = services.find((s) => s.name === 'orders');
  const sampler = setInterval(() => {
    if (orders) ordersPeak = Math.max(ordersPeak, rssMiB(orders.child.pid!));
  }, 250);
  return () => {
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const cpu: Record<string, number> = {};
    for (const p of services) {
      const v = (cpuSeconds(p.child.pid!) - before[p.name]!) / seconds;
      if (v > 0.02) cpu[p.name] = Math.round(v * 100) / 100;
    }
    cpu.postgres = Math.round(((postgresCpuSeconds() - pgBefore) / seconds) * 100) / 100;
    return { cpu, seconds, ordersPeakMiB: ordersPeak };
  };
}

async function staffCall(gatewayUrl: string, query: string, variables: object) {
  const token = await benchStaffContext(['stock-admin']);
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: token },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown; data?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export interface CheckoutBenchResult {
  results: ScenarioResult[];
  notes: string[];
}

export async function runCheckoutScenarios(env: Env, only: RegExp | null): Promise<CheckoutBenchResult> {
  const results: ScenarioResult[] = [];
  const notes: string[] = [];
  const sql = postgres(env.databaseUrl, { max: 1 });
  // 300 web-eu variants with a EUR price, stocked in Hamburg by stock staff (the ledger stays the sum of its
  // movements) with enough units that the load never runs short: what shoppers put in their carts.
  const pool = (
    await sql`
    select l.variant_id from stock.levels l
    join products.variants v on v.id = l.variant_id
    join products.channel_products cp on cp.channel = 'web-eu' and cp.product_id = v.product_id and cp.visible and cp.assigned
    join prices.price_entries e on e.book_id = 'bk_base_eur' and e.variant_id = l.variant_id
    where l.location_id = 'loc_wh_hamburg' order by 1 limit 300`
  ).map((r) => r.variant_id as string);
  await inParallel(pool.length, 8, (i) =>
    staffCall(env.gatewayUrl, 'mutation($i: StockQuantityInput!) { receiveStock(input: $i) { onHand } }', {
      i: { variantId: pool[i]!, locationId: 'loc_wh_hamburg', quantity: 1000, reason: 'bench checkout stock' },
    }),
  );
  const client = new BffClient(env.b2cUrl, 32);
  try {
    if (!only || only.test('checkout placeOrder 3-line')) {
      if (pool.length < 3) throw new Error('no stock to check out');
      // Enough carts for the warm-up and the run at up to BENCH_CHECKOUT_RATE orders/s (default 300).
      const tokens = await customers(64);
      const count = Math.ceil(Number(process.env.BENCH_CHECKOUT_RATE ?? 300) * (env.duration + env.warmup));
      const started = Date.now();
      const carts = await inParallel(count, 24, (i) => {
        const pick = new Set<string>();
        while (pick.size < 3) pick.add(pool[Math.floor(Math.random() * pool.length)]!);
        return prepareCart(
          client,
          tokens[i % tokens.length]!,
          [...pick].map((variantId) => ({ variantId, quantity: 1 })),
        );
      });
      console.log(`[bench] prepared ${count} 3-line carts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // SQL statements of one checkout, per subgraph (orders counts what it makes stock, prices and products run).
      const probeCart = carts.pop()!;
      const probe = await client.op('PlaceOrder', placeInput(probeCart), probeCart.token, { [SQL_COUNT_HEADER]: '1' });
      const probeError = probe.data?.placeOrder?.__typename === 'OrderPlaced' ? null : JSON.stringify(probe.errors ?? probe.data);
      let next = 0;
      const drive = async (seconds: number, latencies: number[], outcomes: Map<string, number>) => {
        const until = performance.now() + seconds * 1000;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (performance.now() < until && next < carts.length) {
              const c = carts[next++]!;
              const t0 = performance.now();
              const res = await client.op('PlaceOrder', placeInput(c), c.token);
              latencies.push(performance.now() - t0);
              const kind = res.data?.placeOrder?.__typename ?? `error ${res.errors?.[0]?.extensions?.code}`;
              outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
            }
          }),
        );
      };
      await drive(env.warmup, [], new Map());
      const latencies: number[] = [];
      const outcomes = new Map<string, number>();
      const window = cpuWindow(env.services);
      await drive(env.duration, latencies, outcomes);
      const { cpu, seconds, ordersPeakMiB } = window();
      latencies.sort((a, b) => a - b);
      const placed = outcomes.get('OrderPlaced') ?? 0;
      if (next >= carts.length) notes.push('checkout: the prepared carts ran out before the end of the run (orders/s is a lower bound)');
      notes.push(`checkout outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}; orders process peak RSS ${ordersPeakMiB} MiB`);
      results.push({
        name: 'Checkout: placeOrder of a 3-line cart, 16 connections (B2C BFF)',
        target: 'bff-b2c',
        baseline: false,
        rps: placed / seconds,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        errors: latencies.length - placed,
        probeError,
        sqlStatements: probe.extensions?.sqlStatements ?? {},
        cpu,
      });
    }

    if (!only || only.test('flash sale')) {
      // The hot SKU (not one the checkout scenario sold, nor one another scenario holds): exactly 100 units in Hamburg and none in the other
      // locations web-eu sells from, counted by stock staff.
      const [row] = await sql`
        select l.variant_id from stock.levels l
        join products.variants v on v.id = l.variant_id
        join products.channel_products cp on cp.channel = 'web-eu' and cp.product_id = v.product_id and cp.visible and cp.assigned
        join prices.price_entries e on e.book_id = 'bk_base_eur' and e.variant_id = l.variant_id
        where l.location_id = 'loc_wh_hamburg' and l.reserved = 0 and l.variant_id <> all(${pool})
        order by 1 desc offset 10 limit 1`;
      const hot = row!.variant_id as string;
      const locations = (await sql`select location_id from stock.channel_locations where channel = 'web-eu'`).map((r) => r.location_id as string);
      for (const locationId of locations) {
        const units = locationId === 'loc_wh_hamburg' ? 100 : 0;
        await staffCall(env.gatewayUrl, 'mutation($i: CountStockInput!) { countStock(input: $i) { onHand } }', {
          i: { variantId: hot, locationId, counted: units, reason: 'bench flash sale' },
        });
      }
      const tokens = await customers(500);
      const carts = await inParallel(500, 24, (i) => prepareCart(client, tokens[i]!, [{ variantId: hot, quantity: 1 }]));
      const latencies: number[] = [];
      const outcomes = new Map<string, number>();
      const window = cpuWindow(env.services);
      await inParallel(500, 64, async (i) => {
        const c = carts[i]!;
        const t0 = performance.now();
        const res = await client.op('PlaceOrder', placeInput(c), c.token);
        latencies.push(performance.now() - t0);
        const kind = res.data?.placeOrder?.__typename ?? `error ${res.errors?.[0]?.extensions?.code}`;
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
      });
      const { cpu, seconds } = window();
      latencies.sort((a, b) => a - b);
      // The 100 units were counted in Hamburg (other locations web-eu does not sell from may hold some).
      const [level] = await sql`select on_hand, reserved from stock.levels where variant_id = ${hot} and location_id = 'loc_wh_hamburg'`;
      const [sold] =
        await sql`select coalesce(sum(l.quantity), 0)::int as units from orders.order_lines l join orders.orders o on o.id = l.order_id where l.variant_id = ${hot} and o.status <> 'CANCELLED'`;
      notes.push(
        `flash sale: ${JSON.stringify(Object.fromEntries(outcomes))}; units sold in orders ${sold!.units}; left in Hamburg on hand ${level!.on_hand}, reserved ${level!.reserved}`,
      );
      results.push({
        name: 'Flash sale: 500 buyers, 100 units of one SKU, 64 at once (B2C BFF)',
        target: 'bff-b2c',
        baseline: false,
        rps: (outcomes.get('OrderPlaced') ?? 0) / seconds,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        errors: [...outcomes.entries()].filter(([k]) => k !== 'OrderPlaced' && k !== 'InsufficientStock').reduce((s, [, n]) => s + n, 0),
        probeError: sold!.units === 100 ? null : `sold ${sold!.units} units, not 100`,
        sqlStatements: {},
        cpu,
      });
    }
  } finally {
    await client.close();
    await sql.end();
  }
  return { results, notes };
}
