/**
 * A server-side cache of anonymous catalogue answers, kept exactly as long as the B2C BFF's Cache-Control
 * allows a shared copy (`public, max-age=N`; the BFF takes N from every subgraph that answered, and prices
 * end it at the next price change). Anything the BFF marks private or no-store, and every request that
 * carries a customer's or guest's token, is never stored: nothing personal is shared across shoppers.
 */
interface Entry {
  body: string;
  status: number;
  contentType: string;
  expiresAt: number;
}

const MAX_ENTRIES = 2_000;
const entries = new Map<string, Entry>();

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

/** A fetch for anonymous reads: answers from the cache while fresh, else asks the BFF and keeps what it may share. */
export function cachingFetch(enabled: boolean): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (!enabled || headers.has('authorization')) return fetch(input, init);
    const key = JSON.stringify([String(input), headers.get('x-publishable-key'), headers.get('accept-language'), init?.body ?? null]);
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.expiresAt > now) {
      return new Response(hit.body, { status: hit.status, headers: { 'content-type': hit.contentType, 'x-storefront-cache': 'HIT' } });
    }
    const res = await fetch(input, init);
    const seconds = res.ok ? sharedSeconds(res.headers.get('cache-control')) : 0;
    if (seconds === 0) return res;
    const body = await res.text();
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(key, { body, status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', expiresAt: now + seconds * 1000 });
    return new Response(body, {
      status: res.status,
      headers: { 'content-type': res.headers.get('content-type') ?? 'application/json', 'x-storefront-cache': 'MISS' },
    });
  };
}
