/**
 * `pnpm bench`: boots the whole system as separate processes on a large generated catalog, drives each
 * scenario with autocannon from this process after a warm-up, and reports requests/s, p50/p99 latency,
 * errors, SQL statements per operation per subgraph and CPU per process, with ratios to baselines
 * measured in the same run (bare Node HTTP, the gateway, one subgraph). Writes bench-results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import autocannon, { type Options } from 'autocannon';
import postgres from 'postgres';
import { CONTEXT_HEADER, DEFAULT_CONTEXT_ISSUERS, signChannelContext } from '@storegraph/schema';
import { DEV_CONTEXT_SECRET, SQL_COUNT_HEADER } from '@storegraph/kit';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from '@storegraph/dev-tools';
import { DEMO_USERS, DEV_IDP_SECRET, issueToken } from '@storegraph/bff-kit';
import { CHANNELS, DEMO_PUBLISHABLE_KEYS, seedDemoData } from '@storegraph/demo';
import { cpuSeconds, launch, postgresCpuSeconds, rssMiB, stopAll, waitReady, type ServiceProcess } from './processes.ts';
import { catalogScenarios, type Scenario } from './scenarios.ts';
import { stockScenarios } from './stock-scenarios.ts';
import { runCheckoutScenarios } from './checkout-scenarios.ts';
import { signInScenarios } from './sign-in-scenarios.ts';
import { runPosScenarios } from './pos-scenarios.ts';
import { runWebhookScenarios } from './webhook-scenarios.ts';
import { runReportScenarios } from './report-scenarios.ts';
import { routingTimeNote } from './routing-scenarios.ts';
import { runStorefrontScenarios } from './storefront-scenarios.ts';
import { runBulkOrderScenario } from './bulk-order-scenarios.ts';
import { runQueueScenarios } from './queue-scenarios.ts';
import { renderTable, type ScenarioResult } from './report.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5600);
// BENCH_ONLY=regex runs the matching scenarios (plus the bare baseline) — for profiling one path.
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;

async function main() {
  const started = Date.now();
  const pg = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres('.data/bench');
  const serverUrl = process.env.DATABASE_URL ?? pg!.serverUrl;
  const dbName = `sg_bench_${Date.now().toString(36)}`;
  const databaseUrl = await ensureDatabase(serverUrl, dbName);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    STOREGRAPH_CONTEXT_SECRET: DEV_CONTEXT_SECRET,
    // The harness signs its own contexts for the subgraph-direct scenarios.
    STOREGRAPH_CONTEXT_ISSUERS: [...DEFAULT_CONTEXT_ISSUERS, 'bench'].join(','),
    STOREGRAPH_IDP_SECRET: DEV_IDP_SECRET,
    ORDERS_STORE_CREDIT_SECRET: 'bench-store-credit-secret-of-32-characters-or-more',
    STOREGRAPH_EXPOSE_SQL_COUNT: 'true',
    // Cold-cache scenarios ask for fresh answers with Cache-Control: no-cache.
    BFF_CACHE_BYPASS: 'true',
    PRODUCTS_PORT: '4301',
    STOCK_PORT: '4302',
    PRICES_PORT: '4303',
    ORDERS_PORT: '4304',
    CUSTOMERS_PORT: '4305',
    GATEWAY_PORT: '4300',
    B2C_PORT: '4311',
    B2B_PORT: '4312',
    POS_PORT: '4313',
    PRODUCTS_URL: 'http://127.0.0.1:4301/graphql',
    STOCK_URL: 'http://127.0.0.1:4302/graphql',
    PRICES_URL: 'http://127.0.0.1:4303/graphql',
    ORDERS_URL: 'http://127.0.0.1:4304/graphql',
    CUSTOMERS_URL: 'http://127.0.0.1:4305/graphql',
    GATEWAY_URL: 'http://127.0.0.1:4300/graphql',
  };
  const services: ServiceProcess[] = [];
  // Ctrl-C (or a CI timeout) must not leave the services and the database behind.
  const abort = async () => {
    await stopAll(services);
    await dropDatabase(serverUrl, dbName).catch(() => {});
    if (pg) await pg.stop();
    process.exit(130);
  };
  process.once('SIGINT', () => void abort());
  process.once('SIGTERM', () => void abort());
  try {
    // The job queue needs only the database: measured before any service starts, so nothing else takes the CPU.
    const queueResults = !ONLY || ONLY.test('queue') ? await runQueueScenarios({ databaseUrl, duration: DURATION }) : [];
    if (ONLY?.source === 'queue') {
      const lines = queueResults.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} ms | ${r.p99} ms | ${r.errors} |`);
      const table = ['| scenario | jobs/s | p50 | p99 | not started |', '| --- | --- | --- | --- | --- |', ...lines].join('\n');
      mkdirSync('bench-results', { recursive: true });
      writeFileSync('bench-results/queue-latest.md', `${table}\n`);
      console.log(`\n${table}\n[bench] finished in ${((Date.now() - started) / 1000).toFixed(0)} s; results in bench-results/queue-latest.md`);
      return;
    }
    const subgraphs = [
      launch('products', 'subgraphs/products/src/main.ts', env, 4301),
      launch('stock', 'subgraphs/stock/src/main.ts', env, 4302),
      launch('prices', 'subgraphs/prices/src/main.ts', env, 4303),
      launch('orders', 'subgraphs/orders/src/main.ts', env, 4304),
      launch('customers', 'subgraphs/customers/src/main.ts', env, 4305),
    ];
    services.push(...subgraphs);
    await Promise.all(subgraphs.map((s) => waitReady(s.url.replace('/graphql', '/readyz'), s.child)));
    const seedStarted = Date.now();
    await seedDemoData(databaseUrl, { products: PRODUCTS });
    const stats = await catalogStats(databaseUrl);
    console.log(
      `[bench] seeded ${stats.products} products, ${stats.variants} variants, ${stats.levels} stock levels in ${stats.currencies.length} currencies (${stats.currencies.join(', ')}) in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );
    const gateway = launch('gateway', 'gateway/src/main.ts', env, 4300);
    services.push(gateway);
    await waitReady('http://127.0.0.1:4300/readyz', gateway.child);
    const bffs = [
      launch('bff-b2c', 'bffs/b2c/src/main.ts', env, 4311),
      launch('bff-b2b', 'bffs/b2b/src/main.ts', env, 4312),
      launch('bff-pos', 'bffs/pos/src/main.ts', env, 4313),
    ];
    services.push(...bffs);
    await Promise.all(bffs.map((s) => waitReady(s.url.replace('/graphql', '/healthz'), s.child)));

    const token = async (email: string) => {
      const { email: _e, bff: _b, ...principal } = DEMO_USERS.find((u) => u.email === email)!;
      return issueToken(principal, DEV_IDP_SECRET);
    };
    const tokens = { b2b: await token('buyer@acme.example'), pos: await token('till-1@berlin.shop') };
    const sample = await sampleRows(databaseUrl);
    const catalog = catalogScenarios(tokens, sample);
    const scenarios: Scenario[] = [...catalog, ...(await stockScenarios(databaseUrl, env)), ...signInScenarios(catalog[0]!)];

    // The bare baseline answers with a payload the size of the B2C listing response.
    const listingBytes = await responseSize(services, scenarios[0]!);
    const bare = spawn(process.execPath, ['--import', 'tsx', new URL('./bare-server.ts', import.meta.url).pathname, String(listingBytes), '4399'], {
      stdio: 'ignore',
    });
    services.push({ name: 'bare', url: 'http://127.0.0.1:4399/graphql', child: bare });
    await waitReady('http://127.0.0.1:4399/healthz', bare);
    scenarios.unshift({ name: `Bare Node HTTP (${listingBytes} B payload)`, target: 'bare', query: '', variables: {}, connections: 16, baseline: true });

    const results: ScenarioResult[] = [...queueResults];
    for (const scenario of scenarios) {
      if (ONLY && scenario.target !== 'bare' && !ONLY.test(scenario.name)) continue;
      results.push(await runScenario(scenario, services));
      console.log(`[bench] ${scenario.name}: ${results.at(-1)!.rps.toFixed(0)} req/s, p99 ${results.at(-1)!.p99} ms`);
    }
    // Checkout scenarios drive their own loop: each order needs a cart of its own, prepared beforehand.
    const checkout = await runCheckoutScenarios(
      { b2cUrl: 'http://127.0.0.1:4311/graphql', gatewayUrl: env.GATEWAY_URL!, databaseUrl, services, duration: DURATION, warmup: WARMUP },
      ONLY,
    );
    for (const r of checkout.results) console.log(`[bench] ${r.name}: ${r.rps.toFixed(0)} orders/s, p99 ${r.p99} ms`);
    results.push(...checkout.results);
    if (!ONLY || ONLY.test('webhook')) {
      results.push(...(await runWebhookScenarios({ gatewayUrl: env.GATEWAY_URL!, databaseUrl, duration: DURATION })));
    }
    const posNotes: string[] = [];
    if (!ONLY || ONLY.test('till')) {
      const pos = await runPosScenarios({ posUrl: 'http://127.0.0.1:4313/graphql', gatewayUrl: env.GATEWAY_URL!, databaseUrl, duration: DURATION });
      for (const r of pos.results) console.log(`[bench] ${r.name}: ${r.rps.toFixed(0)} sales/s, p99 ${r.p99} ms`);
      for (const n of pos.notes) console.log(`[bench] ${n}`);
      results.push(...pos.results);
      posNotes.push(...pos.notes);
    }
    if (!ONLY || ONLY.test('report')) results.push(...(await runReportScenarios({ ordersUrl: env.ORDERS_URL!, databaseUrl })));
    const storefront =
      !ONLY || ONLY.test('storefront')
        ? await runStorefrontScenarios({ b2cUrl: 'http://127.0.0.1:4311/graphql', slug: sample.slug, duration: DURATION, warmup: WARMUP })
        : { results: [], notes: [] };
    results.push(...storefront.results);
    const bulkNotes = !ONLY || ONLY.test('bulk') ? await runBulkOrderScenario({ b2bUrl: 'http://127.0.0.1:4312/graphql', databaseUrl, services }) : [];
    for (const n of bulkNotes) console.log(`[bench] ${n}`);
    const oversell = await oversellCheck(databaseUrl);
    const hot = scenarios.find((x) => x.hotVariant);
    const hotSku = hot ? await hotSkuCheck(databaseUrl, hot.hotVariant!) : null;
    const table = renderTable(results, {
      oversell,
      hotSku,
      stats,
      duration: DURATION,
      notes: [...(checkout.notes ?? []), ...posNotes, ...bulkNotes, ...(!ONLY || ONLY.test('routing') ? [routingTimeNote()] : []), ...storefront.notes],
      memory: Object.fromEntries(services.map((s) => [s.name, rssMiB(s.child.pid!)])),
    });
    mkdirSync('bench-results', { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    writeFileSync(`bench-results/${stamp}.json`, JSON.stringify({ stats, oversell, hotSku, results }, null, 2));
    writeFileSync('bench-results/latest.md', table);
    console.log(`\n${table}\n[bench] finished in ${((Date.now() - started) / 1000).toFixed(0)} s; results in bench-results/`);
  } finally {
    await stopAll(services);
    await dropDatabase(serverUrl, dbName).catch(() => {});
    if (pg) await pg.stop();
  }
}

async function catalogStats(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1 });
  const [row] =
    await sql`select (select count(*)::int from products.products) as products, (select count(*)::int from products.variants) as variants, (select count(*)::int from stock.levels) as levels`;
  const currencies = await sql`select distinct currency from prices.price_books order by 1`;
  await sql.end();
  return {
    ...(row as { products: number; variants: number; levels: number }),
    currencies: currencies.map((c) => c.currency as string),
    channels: CHANNELS.length,
  };
}

async function sampleRows(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1 });
  const [row] = await sql`
    select p.slug, v.gtin from products.products p
    join products.variants v on v.product_id = p.id
    join products.channel_products cw on cw.product_id = p.id and cw.channel = 'web-eu'
    join products.channel_products cp on cp.product_id = p.id and cp.channel = 'pos-berlin'
    order by p.id limit 1`;
  await sql.end();
  return row as { slug: string; gtin: string };
}

async function oversellCheck(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1 });
  const [row] = await sql`select count(*)::int as n from stock.levels where reserved > on_hand or reserved < 0`;
  await sql.end();
  return row!.n as number;
}

/** The hot SKU after the race: reserved never above on hand, and the ledger adds up. */
async function hotSkuCheck(databaseUrl: string, variantId: string) {
  const sql = postgres(databaseUrl, { max: 1 });
  const [level] = await sql`select on_hand, reserved from stock.levels where variant_id = ${variantId} and location_id = 'loc_wh_hamburg'`;
  const [ledger] =
    await sql`select coalesce(sum(delta_on_hand), 0)::int as on_hand, coalesce(sum(delta_reserved), 0)::int as reserved from stock.movements where variant_id = ${variantId} and location_id = 'loc_wh_hamburg'`;
  await sql.end();
  return {
    onHand: level!.on_hand as number,
    reserved: level!.reserved as number,
    ledgerOnHand: ledger!.on_hand as number,
    ledgerReserved: ledger!.reserved as number,
  };
}

function urlOf(services: ServiceProcess[], target: string) {
  const s = services.find((x) => x.name === target);
  if (!s) throw new Error(`no process ${target}`);
  return s.url;
}

async function headersFor(s: Scenario): Promise<Record<string, string>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...s.headers };
  // The BFFs run in production mode: a storefront names its channel with its publishable key.
  if (s.target === 'bff-b2c') headers['x-publishable-key'] ??= DEMO_PUBLISHABLE_KEYS['web-eu']!;
  if (s.channel) {
    const base = CHANNELS.find((c) => c.code === s.channel)!;
    headers[CONTEXT_HEADER] = await signChannelContext(
      {
        requestId: 'bench',
        channel: base.code,
        channelKind: base.kind,
        currency: base.currency,
        locale: base.defaultLocale,
        country: base.country,
        taxMode: base.taxMode,
      },
      DEV_CONTEXT_SECRET,
      'bench',
      // The longest lifetime subgraphs accept (STOREGRAPH_CONTEXT_MAX_TTL_SECONDS); a scenario lasts well under it.
      300,
    );
  }
  return headers;
}

function bodyOf(s: Scenario): string {
  const variables = typeof s.variables === 'function' ? s.variables() : s.variables;
  return JSON.stringify({ query: s.query, variables });
}

async function responseSize(services: ServiceProcess[], s: Scenario): Promise<number> {
  const res = await fetch(urlOf(services, s.target), { method: 'POST', headers: await headersFor(s), body: bodyOf(s) });
  return (await res.text()).length;
}

/** One request outside the load, to read the SQL statement counts and check the answer has no errors. */
async function probe(services: ServiceProcess[], s: Scenario) {
  if (s.target === 'bare') return { sql: {}, error: null as string | null };
  // Only this probe asks for SQL counts: counting runs an AsyncLocalStorage, which the load must not pay for.
  const headers = { ...(await headersFor(s)), [SQL_COUNT_HEADER]: '1' };
  const res = await fetch(urlOf(services, s.target), { method: 'POST', headers, body: bodyOf(s) });
  const json = (await res.json()) as { errors?: { message: string }[]; extensions?: { sqlStatements?: Record<string, number> } };
  return { sql: json.extensions?.sqlStatements ?? {}, error: json.errors?.[0]?.message ?? null };
}

async function runScenario(s: Scenario, services: ServiceProcess[]): Promise<ScenarioResult> {
  const url = urlOf(services, s.target);
  const headers = await headersFor(s);
  const options: Options = {
    url,
    method: 'POST' as const,
    headers,
    connections: s.connections,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: bodyOf(s) }) }],
  };
  const { sql, error } = await probe(services, s);
  const background = s.background
    ? autocannon({
        url: urlOf(services, s.background.target),
        method: 'POST' as const,
        headers: await headersFor(s.background),
        connections: s.background.connections,
        requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: bodyOf(s.background!) }) }],
        duration: WARMUP + DURATION + 1,
      })
    : null;
  await autocannon({ ...options, duration: WARMUP });
  const before = Object.fromEntries(services.map((p) => [p.name, cpuSeconds(p.child.pid!)]));
  const pgBefore = postgresCpuSeconds();
  const selfBefore = process.cpuUsage();
  const r = await autocannon({ ...options, duration: DURATION });
  const cpu = Object.fromEntries(services.map((p) => [p.name, (cpuSeconds(p.child.pid!) - before[p.name]!) / DURATION])) as Record<string, number>;
  cpu.postgres = (postgresCpuSeconds() - pgBefore) / DURATION;
  const self = process.cpuUsage(selfBefore);
  cpu['load generator'] = (self.user + self.system) / 1e6 / DURATION;
  const behind = await background;
  return {
    name: behind ? `${s.name} (storm: ${behind.requests.average.toFixed(0)}/s)` : s.name,
    target: s.target,
    baseline: !!s.baseline,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
    probeError: error,
    sqlStatements: sql,
    cpu: Object.fromEntries(
      Object.entries(cpu)
        .filter(([, v]) => v > 0.02)
        .map(([k, v]) => [k, Math.round(v * 100) / 100]),
    ),
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
