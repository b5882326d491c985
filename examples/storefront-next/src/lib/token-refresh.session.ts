import { RefreshSessionDocument } from '@storegraph/bff-b2c/operations';
import { createClient, StorefrontError } from '@storegraph/client';
import type { Market } from './markets';
import { RedisRefreshFlights } from './refresh-flight.redis-store';
import { publishableKey, storefrontConfig } from './storefront-config';

/**
 * Exchanging a customer's refresh token for the next pair, once per token in this process.
 *
 * A refresh token is single use, and the BFF treats a second use as theft: it revokes every session of that
 * sign-in. So two requests of one shopper that arrive with the same expired cookie (a page and its prefetches,
 * or a navigation fired before the browser stored the last Set-Cookie) must not both spend it: the first starts
 * the exchange, the others await the same promise, and the outcome is kept for 60 s so a request that arrives
 * later with the old cookie still gets the new pair instead of revoking the family. Several storefront replicas
 * keep one map each, so with REDIS_URL the exchange itself is also single-flighted in Redis
 * (refresh-flight.redis-store.ts): one replica spends the token, the others reuse its outcome.
 */
export type RefreshOutcome =
  | { kind: 'renewed'; accessToken: string; refreshToken: string; refreshTokenExpiresAt: string }
  /** Revoked, reused, expired or unknown: sign the shopper out. */
  | { kind: 'ended'; message: string }
  /** The BFF could not answer (down, overloaded): keep the session and try again on the next request. */
  | { kind: 'unavailable'; message: string };

const KEEP_MS = 60_000;
interface Flight {
  startedAt: number;
  outcome: Promise<RefreshOutcome>;
}
// On globalThis: Next bundles the proxy and the app's route handlers separately, each with its own module
// instances, and both must see one map.
const shared = globalThis as { __storefrontRefreshFlights?: Map<string, Flight>; __storefrontRedisFlights?: RedisRefreshFlights | null };
shared.__storefrontRefreshFlights ??= new Map();
const flights = shared.__storefrontRefreshFlights;

function redisFlights(): RedisRefreshFlights | null {
  if (shared.__storefrontRedisFlights === undefined) {
    const { redisUrl, redisKeyPrefix } = storefrontConfig();
    shared.__storefrontRedisFlights = redisUrl ? new RedisRefreshFlights(redisUrl, redisKeyPrefix) : null;
  }
  return shared.__storefrontRedisFlights;
}

export function refreshOnce(market: Market, refreshToken: string): Promise<RefreshOutcome> {
  const now = Date.now();
  for (const [token, flight] of flights) if (now - flight.startedAt > KEEP_MS) flights.delete(token);
  const known = flights.get(refreshToken);
  if (known) return known.outcome;
  const across = redisFlights();
  const spend = () => exchange(market, refreshToken);
  const outcome = (across ? across.run(refreshToken, spend) : spend()).then((o) => {
    // A failed attempt is not an answer about the token: the next request may try again.
    if (o.kind === 'unavailable') flights.delete(refreshToken);
    return o;
  });
  flights.set(refreshToken, { startedAt: now, outcome });
  return outcome;
}

async function exchange(market: Market, refreshToken: string): Promise<RefreshOutcome> {
  const client = createClient({
    url: storefrontConfig().b2cUrl,
    publishableKey: publishableKey(market.channel),
    locale: market.locale,
    fetch: (input, init) => fetch(input, { ...init, cache: 'no-store' }),
  });
  try {
    const answer = (await client.request(RefreshSessionDocument, { refreshToken })).refreshSession;
    if (answer.__typename === 'SessionInvalid') return { kind: 'ended', message: answer.message };
    return { kind: 'renewed', accessToken: answer.accessToken, refreshToken: answer.refreshToken, refreshTokenExpiresAt: answer.refreshTokenExpiresAt };
  } catch (err) {
    if (err instanceof StorefrontError && !err.retryable && err.status < 500) return { kind: 'ended', message: `${err.code}: ${err.message}` };
    return { kind: 'unavailable', message: err instanceof Error ? err.message : String(err) };
  }
}
