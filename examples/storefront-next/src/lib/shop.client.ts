import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { createClient, StorefrontError, type StorefrontClient } from '@storegraph/client';
import { cachingFetch } from './catalogue-cache';
import type { Market } from './markets';
import { channelCookies, PATH_HEADER } from './session-cookies';
import { publishableKey, storefrontConfig } from './storefront-config';

/**
 * Every call to the B2C BFF goes through here: an allow-listed operation by name (the typed client sends
 * `operationName` and variables, never document text), the market's publishable key and locale, and the
 * shopper's token from an httpOnly cookie. The browser never sees a token.
 */
export interface Session {
  token?: string;
  kind?: 'guest' | 'customer';
}

/** The shopper's session in this market's channel (session-cookies.ts: one per channel, never another's token). */
export async function currentSession(market: Market): Promise<Session> {
  const jar = await cookies();
  const names = channelCookies(market.channel);
  const kind = jar.get(names.kind)?.value;
  return {
    token: jar.get(names.token)?.value,
    kind: kind === 'guest' || kind === 'customer' ? kind : undefined,
  };
}

const noStore: typeof fetch = (input, init) => fetch(input, { ...init, cache: 'no-store' });

/**
 * For one shopper's own data (cart, checkout, account): never cached. The proxy refreshes an access token
 * before it expires; if the BFF still answers UNAUTHENTICATED for the shopper's token (it expired in between, or
 * the session ended), the page goes to /api/session/refresh, which may set cookies where a server component
 * may not, and comes back refreshed or signed out. `onUnauthenticated: 'throw'` is for signing out itself.
 */
export function personalClient(
  market: Market,
  token: string | undefined,
  extraHeaders: Record<string, string> = {},
  opts: { onUnauthenticated?: 'refresh' | 'throw' } = {},
): StorefrontClient {
  const withHeaders: typeof fetch = (input, init) => noStore(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...extraHeaders } });
  const client = createClient({
    url: storefrontConfig().b2cUrl,
    publishableKey: publishableKey(market.channel),
    locale: market.locale,
    token: () => token,
    fetch: withHeaders,
  });
  if (!token || opts.onUnauthenticated === 'throw') return client;
  return {
    async request(doc, variables) {
      try {
        return await client.request(doc, variables);
      } catch (err) {
        if (!(err instanceof StorefrontError) || err.code !== 'UNAUTHENTICATED') throw err;
        const page = (await headers()).get(PATH_HEADER) ?? `/${market.slug}`;
        redirect(`/api/session/refresh?next=${encodeURIComponent(page)}`);
      }
    },
  };
}

/**
 * For catalogue pages: anonymous (and so shared through the catalogue cache) unless a customer is signed in,
 * whose group may have prices of its own; a guest token carries no prices, so guests share the cache.
 */
export async function catalogueClient(market: Market): Promise<StorefrontClient> {
  // A customer signed in on another market has no session in this channel: they read the shared answers.
  const session = await currentSession(market);
  if (session.kind === 'customer' && session.token) return personalClient(market, session.token);
  return createClient({
    url: storefrontConfig().b2cUrl,
    publishableKey: publishableKey(market.channel),
    locale: market.locale,
    fetch: cachingFetch(storefrontConfig().catalogueCache),
  });
}

/** A guest session token for an anonymous shopper's first write (the BFF's POST /auth/guest). */
export async function issueGuestToken(): Promise<string> {
  const res = await fetch(storefrontConfig().b2cUrl.replace(/\/graphql$/, '/auth/guest'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    cache: 'no-store',
  });
  if (!res.ok) throw new Error(`guest session refused: HTTP ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}
