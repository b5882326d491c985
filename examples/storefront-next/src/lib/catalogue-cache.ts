import { answerTags } from './catalogue-tags.rules';
import { MemoryCatalogueStore } from './catalogue-cache.memory-store';
import { RedisCatalogueStore } from './catalogue-cache.redis-store';
import type { CatalogueStore } from './catalogue-cache.store';
import { storefrontConfig } from './storefront-config';

export { SETTLE_MS } from './catalogue-cache.store';

/**
 * A server-side cache of anonymous catalogue answers, kept at most as long as the B2C BFF's Cache-Control
 * allows a shared copy (`public, max-age=N`; the BFF takes N from every subgraph that answered, and prices
 * end it at the next price change). Anything the BFF marks private or no-store, and every request that
 * carries a customer's or guest's token, is never stored: nothing personal is shared across shoppers.
 *
 * An unscheduled change ends an entry sooner: each entry is tagged with the ids in its answer, and the
 * signed price.changed / product.updated webhooks (app/api/revalidate) drop every entry holding that id.
 * With REDIS_URL the entries live in Redis, shared by every replica (one webhook drops them for all);
 * without it, in this process.
 */

// Next bundles each route on its own, so a module-level store would be one per route: the webhook route would
// drop entries of a store no page reads. One store per server process, on globalThis.
const STORE = Symbol.for('storegraph.storefront.catalogue-store');
function store(): CatalogueStore {
  const g = globalThis as { [STORE]?: CatalogueStore };
  if (!g[STORE]) {
    const { redisUrl, redisKeyPrefix } = storefrontConfig();
    g[STORE] = redisUrl ? new RedisCatalogueStore(redisUrl, redisKeyPrefix) : new MemoryCatalogueStore();
  }
  return g[STORE];
}

function sharedSeconds(cacheControl: string | null): number {
  if (!cacheControl) return 0;
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (!directives.includes('public') || directives.includes('no-store') || directives.includes('private')) return 0;
  const maxAge = directives.find((d) => d.startsWith('s-maxage=')) ?? directives.find((d) => d.startsWith('max-age='));
  const seconds = maxAge ? Number(maxAge.split('=')[1]) : 0;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** Drops every cached answer holding one of these ids; returns how many were dropped. */
export function dropTagged(tags: string[], now = Date.now()): Promise<number> {
  return store().drop(tags, now);
}

/** A fetch for anonymous reads: answers from the cache while fresh, else asks the BFF and keeps what it may share. */
export function cachingFetch(enabled: boolean): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (!enabled || headers.has('authorization')) return fetch(input, init);
    const key = JSON.stringify([String(input), headers.get('x-publishable-key'), headers.get('accept-language'), init?.body ?? null]);
    const startedAt = Date.now();
    const hit = await store().get(key, startedAt);
    if (hit) return new Response(hit.body, { status: hit.status, headers: { 'content-type': hit.contentType, 'x-storefront-cache': 'HIT' } });
    const res = await fetch(input, init);
    const seconds = res.ok ? sharedSeconds(res.headers.get('cache-control')) : 0;
    if (seconds === 0) return res;
    const body = await res.text();
    const contentType = res.headers.get('content-type') ?? 'application/json';
    const tags = answerTags(parsed(body));
    await store().put(key, { body, status: res.status, contentType, expiresAt: startedAt + seconds * 1000, tags }, startedAt);
    return new Response(body, { status: res.status, headers: { 'content-type': contentType, 'x-storefront-cache': 'MISS' } });
  };
}

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
