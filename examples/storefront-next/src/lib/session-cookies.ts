/**
 * The shopper's session lives in httpOnly cookies only the server reads, one set per sales channel: the access
 * token (guest or customer), which kind it is, a signed-in customer's refresh token, and the channel's cart,
 * pickup shops and shown prices. Plain names and options, no next/headers import, so the proxy (src/proxy.ts),
 * route handlers and server actions share them.
 *
 * Per channel because the BFF binds a customer's tokens to the channel they signed in in: another channel
 * (another account realm: web-us keeps its accounts apart from web-eu) answers the token 403 and refuses its
 * refresh as a session that ended. So signing in on one market does not sign the shopper in on another: there
 * they are anonymous, with a guest session and a cart of that channel's own, until they sign in there too.
 */
export const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax' as const, path: '/' };

/** Every storefront cookie starts with this. */
export const COOKIE_PREFIX = 'sg_';

export interface ChannelCookies {
  token: string;
  kind: string;
  refresh: string;
  cart: string;
  pickup: string;
  shown: string;
}

/** The cookie names of one channel's session (`sg_token_web-eu`, `sg_cart_web-us`, ...). */
export function channelCookies(channel: string): ChannelCookies {
  const name = (what: string) => `${COOKIE_PREFIX}${what}_${channel}`;
  return { token: name('token'), kind: name('kind'), refresh: name('refresh'), cart: name('cart'), pickup: name('pickup'), shown: name('shown') };
}

/** What signing out (or a session that ended) clears: that channel's cookies, never another market's. */
export function channelCookieNames(channel: string): string[] {
  return Object.values(channelCookies(channel));
}

/** The proxy passes the page's own path on to server components, which cannot read the URL they render. */
export const PATH_HEADER = 'x-storefront-path';

/** The refresh token's cookie lasts as long as the token (the BFF says when), not just the browser session. */
export function refreshCookieOptions(expiresAt: string) {
  return { ...COOKIE_OPTIONS, expires: new Date(expiresAt) };
}
