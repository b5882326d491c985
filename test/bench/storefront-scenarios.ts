import autocannon from 'autocannon';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { buildStorefront, startStorefront, type RunningStorefront } from '../../examples/storefront-next/scripts/storefront-server.ts';
import type { ScenarioResult } from './report.ts';

/**
 * The example storefront's product page (examples/storefront-next), rendered by `next start` for an
 * anonymous shopper: once with its catalogue cache (answers kept for the BFF's Cache-Control max-age),
 * once without it (every page asks the BFF, whose own response cache is warm). The ratio is the note.
 */
export async function runStorefrontScenarios(o: { b2cUrl: string; slug: string; duration: number; warmup: number }): Promise<{
  results: ScenarioResult[];
  notes: string[];
}> {
  const builtIn = await buildStorefront();
  const keys = { 'web-eu': DEMO_PUBLISHABLE_KEYS['web-eu']!, 'web-us': DEMO_PUBLISHABLE_KEYS['web-us']! };
  const results: ScenarioResult[] = [];
  for (const [port, cached] of [
    [4321, true],
    [4322, false],
  ] as const) {
    let shop: RunningStorefront | undefined;
    try {
      shop = await startStorefront({ b2cUrl: o.b2cUrl, keys, port, catalogueCache: cached, redis: null });
      const url = `${shop.url}/eu-de/products/${o.slug}`;
      const probe = await fetch(url);
      const probeError = probe.status === 200 ? null : `HTTP ${probe.status}`;
      await autocannon({ url, connections: 8, duration: o.warmup });
      const r = await autocannon({ url, connections: 8, duration: o.duration });
      results.push({
        name: `Storefront product page (Next.js, ${cached ? 'catalogue cache' : 'no catalogue cache'})`,
        target: 'storefront',
        baseline: false,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.non2xx + r.timeouts,
        probeError,
        sqlStatements: {},
        cpu: {},
      });
    } finally {
      await shop?.close();
    }
  }
  const [hit, miss] = results;
  const ratio = hit && miss && miss.rps > 0 ? (hit.rps / miss.rps).toFixed(2) : 'n/a';
  return {
    results,
    notes: [
      `Storefront product page: ${hit?.rps.toFixed(0)} req/s from its catalogue cache, ${miss?.rps.toFixed(0)} without (×${ratio}); next build ${builtIn ? `${builtIn} s` : 'reused'}.`,
    ],
  };
}
