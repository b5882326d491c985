import { describe, expect, it } from 'vitest';
import { legacyCookieMove } from './legacy-cookies.rules';

const jar = (cookies: Record<string, string>) => (name: string) => cookies[name];

describe('moving the previous release’s session cookies to per-channel names', () => {
  it('moves a customer’s session to the market they signed in in, and nowhere else', () => {
    const move = legacyCookieMove(jar({ sg_token: 'T', sg_kind: 'customer', sg_refresh: 'R', sg_market: 'eu-de', sg_cart_web_x: 'ignored' }));
    expect(move.set).toEqual([
      { name: 'sg_token_web-eu', value: 'T' },
      { name: 'sg_kind_web-eu', value: 'customer' },
      { name: 'sg_refresh_web-eu', value: 'R' },
    ]);
    expect(move.remove).toEqual(['sg_token', 'sg_kind', 'sg_refresh', 'sg_market']);
  });

  it('gives a guest’s token to each channel they have a cart in', () => {
    const move = legacyCookieMove(jar({ sg_token: 'G', sg_kind: 'guest', 'sg_cart_web-us': 'cart_1' }));
    expect(move.set).toEqual([
      { name: 'sg_token_web-us', value: 'G' },
      { name: 'sg_kind_web-us', value: 'guest' },
    ]);
    expect(move.remove).toEqual(['sg_token', 'sg_kind']);
  });

  it('never overwrites a per-channel session and drops what cannot be placed', () => {
    // web-eu already has a newer session: the old one is only removed.
    const kept = legacyCookieMove(jar({ sg_token: 'OLD', sg_kind: 'customer', sg_refresh: 'R', sg_market: 'eu-de', 'sg_token_web-eu': 'NEW' }));
    expect(kept).toEqual({ set: [], remove: ['sg_token', 'sg_kind', 'sg_refresh', 'sg_market'] });
    // A customer without the market (or the refresh token) cannot be placed; an unknown kind is not moved.
    expect(legacyCookieMove(jar({ sg_token: 'T', sg_kind: 'customer', sg_refresh: 'R' })).set).toEqual([]);
    expect(legacyCookieMove(jar({ sg_token: 'T', sg_kind: 'staff', 'sg_cart_web-eu': 'c' })).set).toEqual([]);
    expect(legacyCookieMove(jar({ 'sg_token_web-eu': 'NEW' }))).toEqual({ set: [], remove: [] });
  });
});
