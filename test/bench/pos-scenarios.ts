import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import postgres from 'postgres';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { loadAllowList } from '@storegraph/bff-kit';
import { benchStaffContext } from './staff-context.ts';
import type { ScenarioResult } from './report.ts';

/**
 * The till through the POS BFF by operation name: sales per second (each a fresh idempotency key, one unit,
 * paid in cash; 8 tills' worth of connections on one till's session) and the time one till takes to sync a
 * 1,000-sale offline batch. Set-up (a till, a cashier, stock at the Berlin shop) goes through the gateway with a
 * signed staff context, as the other scenarios' set-up does.
 */

const NAMES = new Set([...loadAllowList(readFileSync(new URL('../../bffs/pos/src/operations.graphql', import.meta.url), 'utf8')).values()].map((o) => o.name));
for (const name of ['TillSignIn', 'OpenTillSession', 'TillSale', 'PostOfflineSales']) if (!NAMES.has(name)) throw new Error(`${name} is not allow-listed`);

const BERLIN = 'loc_berlin_shop';
const PIN = '4242';
const OFFLINE_BATCH = 400;

interface Env {
  posUrl: string;
  gatewayUrl: string;
  databaseUrl: string;
  duration: number;
}

async function gateway(url: string, query: string, variables: object) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: await benchStaffContext(['staff-admin', 'stock-admin']) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`bench set-up failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runPosScenarios(env: Env): Promise<{ results: ScenarioResult[]; notes: string[] }> {
  const u = new URL(env.posUrl);
  const pool = new Pool(u.origin, { connections: 16, pipelining: 1 });
  const op = async (operationName: string, variables: object, token?: string) => {
    const res = await pool.request({
      method: 'POST',
      path: u.pathname,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ operationName, variables }),
    });
    return (await res.body.json()) as { data?: any; errors?: any[] };
  };

  const reg = (
    await gateway(env.gatewayUrl, 'mutation($i: RegisterTillInput!) { registerTill(input: $i) { ... on TillRegistration { secret till { id } } } }', {
      i: { channel: 'pos-berlin', locationId: BERLIN, name: 'Bench till' },
    })
  ).registerTill;
  const staffCode = `B${Date.now().toString(36)}`.slice(0, 16);
  await gateway(env.gatewayUrl, 'mutation($i: RegisterTillStaffInput!) { registerTillStaff(input: $i) { __typename } }', {
    i: { channel: 'pos-berlin', staffCode, name: 'Bench cashier', pin: PIN, role: 'CASHIER' },
  });
  const sql = postgres(env.databaseUrl, { max: 1 });
  const rows = await sql<{ id: string }[]>`
    select v.id from products.variants v join products.channel_products cp on cp.product_id = v.product_id and cp.channel = 'pos-berlin'
    order by v.id limit 20`;
  await sql.end();
  const variants = rows.map((r) => r.id);
  for (const variantId of variants)
    await gateway(env.gatewayUrl, 'mutation($i: StockQuantityInput!) { receiveStock(input: $i) { onHand } }', {
      i: { variantId, locationId: BERLIN, quantity: 1_000_000, reason: 'bench', reference: 'bench' },
    });
  const signedIn = (await op('TillSignIn', { input: { tillId: reg.till.id, tillSecret: reg.secret, staffCode, pin: PIN } })).data!.tillSignIn;
  const token = signedIn.accessToken as string;
  await op('OpenTillSession', { openingFloat: 0 }, token);
  // Each variant's price now: a sale with a wrong total answers PriceChanged with the actual one, selling nothing.
  const price = new Map<string, number>();
  for (const variantId of variants) {
    const probe = (
      await op(
        'TillSale',
        {
          input: {
            idempotencyKey: `bench-probe-${variantId}`,
            lines: [{ variantId, quantity: 1 }],
            expectedTotal: { amount: 0, currency: 'EUR' },
            tenders: [{ method: 'CASH', amount: 1 }],
          },
        },
        token,
      )
    ).data?.tillSale;
    if (probe?.__typename === 'PriceChanged') price.set(variantId, Number(probe.actual.amount));
  }
  const sellable = variants.filter((v) => price.has(v));
  if (sellable.length === 0) throw new Error('no priced variant in pos-berlin');

  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown = null;
  let seq = 0;
  const until = Date.now() + env.duration * 1000;
  const worker = async () => {
    while (Date.now() < until) {
      const variantId = sellable[seq % sellable.length]!;
      const amount = price.get(variantId)!;
      const started = performance.now();
      const res = await op(
        'TillSale',
        {
          input: {
            idempotencyKey: `bench-sale-${process.pid}-${seq++}`,
            lines: [{ variantId, quantity: 1 }],
            expectedTotal: { amount, currency: 'EUR' },
            tenders: [{ method: 'CASH', amount }],
          },
        },
        token,
      );
      latencies.push(performance.now() - started);
      if (res.data?.tillSale?.__typename !== 'Receipt') {
        errors++;
        firstError ??= res.errors ?? res.data;
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: 8 }, worker));
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const sales: ScenarioResult = {
    name: 'Till sale (POS BFF, 1 line, cash, 8 at once)',
    target: 'bff-pos',
    baseline: false,
    rps: (latencies.length - errors) / elapsed,
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
    errors,
    probeError: null,
    sqlStatements: {},
    cpu: {},
  };

  const batch = Array.from({ length: 1000 }, (_, i) => {
    const variantId = sellable[i % sellable.length]!;
    const amount = price.get(variantId)!;
    return {
      clientId: `bench-off-${process.pid}-${i}`,
      soldAt: new Date(Date.now() - 60_000).toISOString(),
      lines: [{ variantId, quantity: 1, unitPrice: amount }],
      tenders: [{ method: 'CASH', amount }],
    };
  });
  // The BFF's input rule (10,000 values a request) fits about 470 one-line sales: the till posts batches of 400.
  const syncStarted = performance.now();
  let applied = 0;
  const syncErrors: unknown[] = [];
  for (let i = 0; i < batch.length; i += OFFLINE_BATCH) {
    const synced = await op('PostOfflineSales', { sales: batch.slice(i, i + OFFLINE_BATCH) }, token);
    applied += (synced.data?.postOfflineSales?.results ?? []).filter((r: { status: string }) => r.status === 'APPLIED').length;
    if (synced.errors) syncErrors.push(synced.errors);
  }
  const syncMs = performance.now() - syncStarted;
  await pool.close();
  const notes = [
    `Offline sync: 1,000 sales posted by one till in batches of ${OFFLINE_BATCH}: ${applied} applied in ${(syncMs / 1000).toFixed(1)} s (${(applied / (syncMs / 1000)).toFixed(0)} sales/s)${syncErrors.length ? `; errors ${JSON.stringify(syncErrors).slice(0, 500)}` : ''}`,
    ...(firstError ? [`Till sale: first refused answer ${JSON.stringify(firstError).slice(0, 500)}`] : []),
  ];
  return { results: [sales], notes };
}
