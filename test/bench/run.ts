/**
 * `pnpm bench`: boots the whole system as separate processes on a large generated catalog, drives each
 * scenario with autocannon from this process after a warm-up, and reports requests/s, p50/p99 latency,
 * errors, SQL statements per operation per subgraph and CPU per process, with ratios to baselines
 * measured in the same run (bare Node HTTP, the gateway, one subgraph). Writes bench-results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from '@storegraph/dev-tools';
import { DEMO_USERS, DEV_IDP_SECRET, issueToken } from '@storegraph/bff-kit';
import { seedDemoData } from '@storegraph/demo';
import { launch, rssMiB, stopAll, waitReady, type ServiceProcess } from './processes.ts';
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
import { catalogStats, hotSkuCheck, oversellCheck, sampleRows } from './database-checks.ts';
import { responseSize, runScenario } from './scenario-runner.ts';
import { benchEnv } from './service-env.ts';

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
  const env = benchEnv(databaseUrl);
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
      results.push(await runScenario(scenario, services, { warmup: WARMUP, duration: DURATION }));
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
