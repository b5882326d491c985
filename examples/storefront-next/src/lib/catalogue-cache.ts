import { answerTags } from './catalogue-tags.rules';

/**
 * A server-side cache of anonymous catalogue answers, kept at most as long as the B2C BFF's Cache-Control
 * allows a shared copy (`public, max-age=N`; the BFF takes N from every subgraph that answered, and prices
 * end it at the next price change). Anything the BFF marks private or no-store, and every request that
 * carries a customer's or guest's token, is never stored: nothing personal is shared across shoppers.
 *
 * An unscheduled change ends an entry sooner: each entry is tagged with the ids in its answer, and the
 * signed price.changed / product.updated webhooks (app/api/revalidate) drop every entry holding that id.
 */
interface Entry {
  body: string;
  status: number;
  contentType: string;
  expiresAt: number;
  tags: string[];
}

/**
 * After a change drops an id, answers holding it are served but not kept for this long. The webhook and the
 * BFF's own cache drop race (outbox relay vs. the change stream, both well under a second): if the webhook
 * wins, the BFF may still hand out its old copy for a moment, and keeping that would show the old price for
 * a whole max-age. The same rule keeps out an answer that was already on its way when the change landed.
 */
export const SETTLE_MS = 10_000;
const MAX_ENTRIES = 2_000;

interface CacheState {
  entries: Map<string, Entry>;
  /** id -> when a change last dropped it; forgotten once no answer in flight can predate it. */
  dropped: Map<string, number>;
}

// Next bundles each route on its own, so a module-level Map would be one per route: the webhook route would
// drop entries of a map no page reads. One state per server process, on globalThis.
const STATE = Symbol.for('storegraph.storefront.catalogue-cache');
function state(): CacheState {
  const g = globalThis as { [STATE]?: CacheState };
  g[STATE] ??= { entries: new Map(), dropped: new Map() };
  return g[STATE];
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
export function dropTagged(tags: string[], now = Date.now()): number {
  const { entries, dropped } = state();
  const wanted = new Set(tags);
  for (const tag of wanted) dropped.set(tag, now);
  let n = 0;
  for (const [key, entry] of entries) {
    if (entry.tags.some((t) => wanted.has(t))) {
      entries.delete(key);
      n++;
    }
  }
  // An answer takes seconds at most; a drop a minute older than the settle time concerns none in flight.
  for (const [tag, at] of dropped) if (at < now - SETTLE_MS - 60_000) dropped.delete(tag);
  return n;
}

/** Whether a change dropped one of these ids since `startedAt - SETTLE_MS` (the answer may predate it). */
function droppedSince(tags: string[], startedAt: number): boolean {
  const { dropped } = state();
  return tags.some((t) => (dropped.get(t) ?? 0) > startedAt - SETTLE_MS);
}

/** A fetch for anonymous reads: answers from the cache while fresh, else asks the BFF and keeps what it may share. */
export function cachingFetch(enabled: boolean): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (!enabled || headers.has('authorization')) return fetch(input, init);
    const { entries } = state();
    const key = JSON.stringify([String(input), headers.get('x-publishable-key'), headers.get('accept-language'), init?.body ?? null]);
    const startedAt = Date.now();
    const hit = entries.get(key);
    if (hit && hit.expiresAt > startedAt) {
      return new Response(hit.body, { status: hit.status, headers: { 'content-type': hit.contentType, 'x-storefront-cache': 'HIT' } });
    }
    const res = await fetch(input, init);
    const seconds = res.ok ? sharedSeconds(res.headers.get('cache-control')) : 0;
    if (seconds === 0) return res;
    const body = await res.text();
    const contentType = res.headers.get('content-type') ?? 'application/json';
    const tags = answerTags(parsed(body));
    if (!droppedSince(tags, startedAt)) {
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, { body, status: res.status, contentType, expiresAt: startedAt + seconds * 1000, tags });
    }
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
