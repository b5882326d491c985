/**
 * The shopper's session lives in httpOnly cookies only the server reads: the access token (guest or customer),
 * which kind it is, and a signed-in customer's refresh token. Plain names and options, no next/headers import,
 * so the proxy (src/proxy.ts), route handlers and server actions share them.
 */
export const TOKEN_COOKIE = 'sg_token';
export const KIND_COOKIE = 'sg_kind';
export const REFRESH_COOKIE = 'sg_refresh';
/**
 * The market (slug) a customer signed in in: the BFF refuses a refresh asked in another channel than the one the
 * session was issued in, and treats that as the session's end, so the refresh is always asked there, whichever
 * market's page the shopper is on. It lives as long as the refresh token.
 */
export const MARKET_COOKIE = 'sg_market';
export const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax' as const, path: '/' };

/** Every storefront cookie starts with this: signing out (or a session that ended) clears them all. */
export const COOKIE_PREFIX = 'sg_';

/** The proxy passes the page's own path on to server components, which cannot read the URL they render. */
export const PATH_HEADER = 'x-storefront-path';

/** The refresh token's cookie lasts as long as the token (the BFF says when), not just the browser session. */
export function refreshCookieOptions(expiresAt: string) {
  return { ...COOKIE_OPTIONS, expires: new Date(expiresAt) };
}
