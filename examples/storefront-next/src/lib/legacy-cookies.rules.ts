import { MARKETS, marketOf } from './markets';
import { channelCookies } from './session-cookies';

/**
 * The session cookies of the release before sessions were kept per channel: one token for every market
 * (`sg_token`, `sg_kind`), a customer's refresh token and the market they signed in in (`sg_refresh`,
 * `sg_market`). The proxy moves them to the per-channel names once, so nobody signed in before the deploy is
 * signed out by it and a guest keeps the cart they had (the cart cookie kept its name, `sg_cart_<channel>`).
 */
export const LEGACY_COOKIES = ['sg_token', 'sg_kind', 'sg_refresh', 'sg_market'] as const;

export interface CookieMove {
  /** Per-channel cookies to set, as browser-session cookies (the old refresh cookie's expiry cannot be read from a request; the next refresh sets it again). */
  set: { name: string; value: string }[];
  /** The legacy cookies present, deleted whatever happens (nothing reads them any more). */
  remove: string[];
}

/**
 * Where the old session goes: a customer's to the market they signed in in (another channel would answer its token
 * 403); a guest's to every channel they have a cart in (the old guest token was read by both channels, so each
 * cart stays theirs). A per-channel cookie already set wins: it is newer than anything the old release wrote.
 */
export function legacyCookieMove(read: (name: string) => string | undefined): CookieMove {
  const remove = LEGACY_COOKIES.filter((name) => read(name) !== undefined);
  const token = read('sg_token');
  const kind = read('sg_kind');
  if (!token || (kind !== 'customer' && kind !== 'guest')) return { set: [], remove };
  const set: CookieMove['set'] = [];
  const place = (channel: string, values: Partial<Record<'token' | 'kind' | 'refresh', string>>) => {
    const names = channelCookies(channel);
    if (read(names.token) !== undefined) return;
    for (const [what, value] of Object.entries(values)) if (value) set.push({ name: names[what as 'token' | 'kind' | 'refresh'], value });
  };
  if (kind === 'customer') {
    const market = marketOf(read('sg_market') ?? '');
    const refresh = read('sg_refresh');
    if (market && refresh) place(market.channel, { token, kind, refresh });
  } else {
    for (const m of MARKETS) if (read(channelCookies(m.channel).cart) !== undefined) place(m.channel, { token, kind });
  }
  return { set, remove };
}
