import { type NextRequest, NextResponse } from 'next/server';
import { legacyCookieMove } from './lib/legacy-cookies.rules';
import { marketOfPath } from './lib/markets';
import { COOKIE_OPTIONS, PATH_HEADER, channelCookieNames, channelCookies, refreshCookieOptions } from './lib/session-cookies';
import { needsRefresh } from './lib/token-expiry.rules';
import { refreshOnce } from './lib/token-refresh.session';

/**
 * Runs before every page, server action and route handler: the one place in the App Router that can both
 * change the cookies a request's server components read and set the ones the browser keeps (server components
 * cannot set cookies). A signed-in customer whose access token in the page's market has expired, or is about
 * to, gets the next pair here, once (token-refresh.session.ts), so a page's concurrent server components all
 * read one fresh token. A refresh the BFF refuses (revoked, reused, expired) signs the shopper out of that
 * market: its cookies cleared, and pages that need a customer send them to sign in. Only the page's market is
 * looked at: a session in another market's channel is refreshed when the shopper goes back there.
 * A session kept under the previous release's cookie names is moved to the per-channel ones first.
 */
export async function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname + request.nextUrl.search;
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  const moved = legacyCookieMove((name) => request.cookies.get(name)?.value);
  for (const name of moved.remove) request.cookies.delete(name);
  for (const c of moved.set) request.cookies.set(c.name, c.value);
  if (moved.remove.length > 0) headers.set('cookie', request.cookies.toString());
  const pass = () => {
    const res = NextResponse.next({ request: { headers } });
    for (const name of moved.remove) res.cookies.delete(name);
    for (const c of moved.set) res.cookies.set(c.name, c.value, COOKIE_OPTIONS);
    return res;
  };
  const market = marketOfPath(request.nextUrl.pathname);
  if (!market) return pass();
  const names = channelCookies(market.channel);
  const token = request.cookies.get(names.token)?.value;
  const refresh = request.cookies.get(names.refresh)?.value;
  if (request.cookies.get(names.kind)?.value !== 'customer' || !token || !refresh || !needsRefresh(token, Date.now())) return pass();

  const outcome = await refreshOnce(market, refresh);
  if (outcome.kind === 'unavailable') return pass();
  if (outcome.kind === 'renewed') {
    request.cookies.set(names.token, outcome.accessToken);
    request.cookies.set(names.refresh, outcome.refreshToken);
    headers.set('cookie', request.cookies.toString());
    const res = pass();
    res.cookies.set(names.token, outcome.accessToken, COOKIE_OPTIONS);
    res.cookies.set(names.refresh, outcome.refreshToken, refreshCookieOptions(outcome.refreshTokenExpiresAt));
    return res;
  }
  const ended = channelCookieNames(market.channel).filter((name) => request.cookies.has(name));
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
