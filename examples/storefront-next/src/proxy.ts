import { type NextRequest, NextResponse } from 'next/server';
import {
  COOKIE_OPTIONS,
  COOKIE_PREFIX,
  KIND_COOKIE,
  MARKET_COOKIE,
  PATH_HEADER,
  REFRESH_COOKIE,
  TOKEN_COOKIE,
  refreshCookieOptions,
} from './lib/session-cookies';
import { needsRefresh } from './lib/token-expiry.rules';
import { refreshMarket, refreshOnce } from './lib/token-refresh.session';

/**
 * Runs before every page, server action and route handler: the one place in the App Router that can both
 * change the cookies a request's server components read and set the ones the browser keeps (server components
 * cannot set cookies). A signed-in customer whose access token has expired, or is about to, gets the next pair
 * here, once (token-refresh.session.ts), so a page's concurrent server components all read one fresh token. A
 * refresh the BFF refuses (revoked, reused, expired) signs the shopper out: cookies cleared, and pages that need
 * a customer send them to sign in.
 */
export async function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname + request.nextUrl.search;
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  const token = request.cookies.get(TOKEN_COOKIE)?.value;
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  const pass = () => NextResponse.next({ request: { headers } });
  if (request.cookies.get(KIND_COOKIE)?.value !== 'customer' || !token || !refresh || !needsRefresh(token, Date.now())) return pass();

  const market = refreshMarket(request.cookies.get(MARKET_COOKIE)?.value, request.nextUrl.pathname);
  const outcome = await refreshOnce(market, refresh);
  if (outcome.kind === 'unavailable') return pass();
  if (outcome.kind === 'renewed') {
    request.cookies.set(TOKEN_COOKIE, outcome.accessToken);
    request.cookies.set(REFRESH_COOKIE, outcome.refreshToken);
    headers.set('cookie', request.cookies.toString());
    const res = pass();
    res.cookies.set(TOKEN_COOKIE, outcome.accessToken, COOKIE_OPTIONS);
    res.cookies.set(REFRESH_COOKIE, outcome.refreshToken, refreshCookieOptions(outcome.refreshTokenExpiresAt));
    res.cookies.set(MARKET_COOKIE, market.slug, refreshCookieOptions(outcome.refreshTokenExpiresAt));
    return res;
  }
  const ended = request.cookies
    .getAll()
    .map((c) => c.name)
    .filter((name) => name.startsWith(COOKIE_PREFIX));
  for (const name of ended) request.cookies.delete(name);
  headers.set('cookie', request.cookies.toString());
  const res = pass();
  for (const name of ended) res.cookies.delete(name);
  return res;
}

export const config = {
  // Not for static assets, the revalidation webhook (no shopper), or the session route (it refreshes itself).
  matcher: ['/((?!_next/static|_next/image|favicon.ico|api/revalidate|api/session).*)'],
};
