import { cookies } from 'next/headers';
import type { NextRequest } from 'next/server';
import { marketOfPath } from '@/lib/markets';
import { safeReturnPath } from '@/lib/return-path.rules';
import { COOKIE_OPTIONS, channelCookieNames, channelCookies, refreshCookieOptions } from '@/lib/session-cookies';
import { needsRefresh } from '@/lib/token-expiry.rules';
import { refreshOnce } from '@/lib/token-refresh.session';

/**
 * Where a page lands when the BFF answered UNAUTHENTICATED for the shopper's token (expired between the proxy's
 * check and the call, or the session ended): a route handler may set cookies, a server component may not. It
 * refreshes the session of the page's market once and goes back to the page, or signs the shopper out of that
 * market and asks them to sign in again.
 */
export async function GET(request: NextRequest) {
  // Only a page of this storefront: never an open redirect to another origin.
  const next = safeReturnPath(request.nextUrl.searchParams.get('next'));
  const market = marketOfPath(next);
  // No market's page to go back to (a refused `next`): nobody's session is touched.
  if (!market) return seeOther(next);
  const names = channelCookies(market.channel);
  const jar = await cookies();
  const token = jar.get(names.token)?.value;
  const refresh = jar.get(names.refresh)?.value;
  // This GET rotates the refresh token, so only when the access token is due for it (expired, or in the last tenth
  // of its life: the BFF's clock may run ahead). A token with life left that the BFF refused was ended (signed out,
  // revoked), not aged: refreshing would fail or loop, and a link to this route must not rotate a live session.
  const customer = jar.get(names.kind)?.value === 'customer';
  const worthTrying = customer && refresh && (!token || needsRefresh(token, Date.now()));
  const outcome = worthTrying ? await refreshOnce(market, refresh) : ({ kind: 'ended', message: 'no session to refresh' } as const);
  if (outcome.kind === 'unavailable')
    return new Response('The shop cannot check your session just now; please try again in a moment.', {
      status: 503,
      headers: { 'retry-after': '5', 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    });
  if (outcome.kind === 'renewed') {
    jar.set(names.token, outcome.accessToken, COOKIE_OPTIONS);
    jar.set(names.refresh, outcome.refreshToken, refreshCookieOptions(outcome.refreshTokenExpiresAt));
    return seeOther(next);
  }
  for (const name of channelCookieNames(market.channel)) if (jar.has(name)) jar.delete(name);
  // A customer is asked to sign in again; a guest whose session ran out just carries on as a new anonymous shopper.
  return seeOther(customer ? `/${market.slug}/sign-in?next=${encodeURIComponent(next)}` : next);
}

/**
 * A relative Location (RFC 9110 allows it): the browser resolves it against the address it asked, the public
 * origin, whereas the request's own URL names the host the server was reached at (`localhost` behind a proxy).
 * `path` is a safe return path or a sign-in page of a market, so it is always this origin.
 */
function seeOther(path: string): Response {
  return new Response(null, { status: 303, headers: { location: path, 'cache-control': 'no-store' } });
}
