import { cookies } from 'next/headers';
import { type NextRequest, NextResponse } from 'next/server';
import { COOKIE_OPTIONS, COOKIE_PREFIX, KIND_COOKIE, MARKET_COOKIE, REFRESH_COOKIE, TOKEN_COOKIE, refreshCookieOptions } from '@/lib/session-cookies';
import { safeReturnPath } from '@/lib/return-path.rules';
import { needsRefresh } from '@/lib/token-expiry.rules';
import { marketOfPath, refreshMarket, refreshOnce } from '@/lib/token-refresh.session';

/**
 * Where a page lands when the BFF answered UNAUTHENTICATED for the shopper's token (expired between the proxy's
 * check and the call, or the session ended): a route handler may set cookies, a server component may not. It
 * refreshes once and goes back to the page, or signs the shopper out and asks them to sign in again.
 */
export async function GET(request: NextRequest) {
  // Only a page of this storefront: never an open redirect to another origin.
  const next = safeReturnPath(request.nextUrl.searchParams.get('next'), request.nextUrl.origin);
  const market = marketOfPath(next);
  const jar = await cookies();
  const token = jar.get(TOKEN_COOKIE)?.value;
  const refresh = jar.get(REFRESH_COOKIE)?.value;
  // This GET rotates the refresh token, so only when the access token is due for it (expired, or in the last tenth
  // of its life: the BFF's clock may run ahead). A token with life left that the BFF refused was ended (signed out,
  // revoked), not aged: refreshing would fail or loop, and a link to this route must not rotate a live session.
  const customer = jar.get(KIND_COOKIE)?.value === 'customer';
  const worthTrying = customer && refresh && (!token || needsRefresh(token, Date.now()));
  const signedInIn = refreshMarket(jar.get(MARKET_COOKIE)?.value, next);
  const outcome = worthTrying ? await refreshOnce(signedInIn, refresh) : ({ kind: 'ended', message: 'no session to refresh' } as const);
  if (outcome.kind === 'unavailable')
    return new NextResponse('The shop cannot check your session just now; please try again in a moment.', {
      status: 503,
      headers: { 'retry-after': '5', 'content-type': 'text/plain; charset=utf-8' },
    });
  if (outcome.kind === 'renewed') {
    jar.set(TOKEN_COOKIE, outcome.accessToken, COOKIE_OPTIONS);
    jar.set(REFRESH_COOKIE, outcome.refreshToken, refreshCookieOptions(outcome.refreshTokenExpiresAt));
    jar.set(MARKET_COOKIE, signedInIn.slug, refreshCookieOptions(outcome.refreshTokenExpiresAt));
    return NextResponse.redirect(new URL(next, request.nextUrl.origin), 303);
  }
  for (const c of jar.getAll()) if (c.name.startsWith(COOKIE_PREFIX)) jar.delete(c.name);
  // A customer is asked to sign in again; a guest whose session ran out just carries on as a new anonymous shopper.
  const then = customer ? `/${market.slug}/sign-in?next=${encodeURIComponent(next)}` : next;
  return NextResponse.redirect(new URL(then, request.nextUrl.origin), 303);
}
