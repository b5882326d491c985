import { cookies } from 'next/headers';
import { createClient, type StorefrontClient } from '@storegraph/client';
import { cachingFetch } from './catalogue-cache';
import type { Market } from './markets';
import { publishableKey, storefrontConfig } from './storefront-config';

/**
 * Every call to the B2C BFF goes through here: an allow-listed operation by name (the typed client sends
 * `operationName` and variables, never document text), the market's publishable key and locale, and the
 * shopper's token from an httpOnly cookie. The browser never sees a token.
 */
export const TOKEN_COOKIE = 'sg_token';
export const KIND_COOKIE = 'sg_kind';
export const cartCookie = (market: Market) => `sg_cart_${market.channel}`;

export interface Session {
  token?: string;
  kind?: 'guest' | 'customer';
}

export async function currentSession(): Promise<Session> {
  const jar = await cookies();
  const kind = jar.get(KIND_COOKIE)?.value;
  return { token: jar.get(TOKEN_COOKIE)?.value, kind: kind === 'guest' || kind === 'customer' ? kind : undefined };
}

const noStore: typeof fetch = (input, init) => fetch(input, { ...init, cache: 'no-store' });

/** For one shopper's own data (cart, checkout, account): never cached. */
export function personalClient(market: Market, token: string | undefined, extraHeaders: Record<string, string> = {}): StorefrontClient {
  const withHeaders: typeof fetch = (input, init) => noStore(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...extraHeaders } });
  return createClient({
    url: storefrontConfig().b2cUrl,
    publishableKey: publishableKey(market.channel),
    locale: market.locale,
    token: () => token,
    fetch: withHeaders,
  });
}

/**
 * For catalogue pages: anonymous (and so shared through the catalogue cache) unless a customer is signed in,
 * whose group may have prices of its own; a guest token carries no prices, so guests share the cache.
 */
export async function catalogueClient(market: Market): Promise<StorefrontClient> {
  const session = await currentSession();
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
