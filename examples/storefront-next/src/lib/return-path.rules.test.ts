import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path.rules';

const ORIGIN = 'https://shop.example.com';

describe('the path the session refresh route sends a shopper back to', () => {
  it('keeps a page of a market on this storefront, with its query', () => {
    expect(safeReturnPath('/eu-de/account', ORIGIN)).toBe('/eu-de/account');
    expect(safeReturnPath('/eu-de', ORIGIN)).toBe('/eu-de');
    expect(safeReturnPath('/us-en/orders/o1?tab=lines', ORIGIN)).toBe('/us-en/orders/o1?tab=lines');
  });

  it('never leaves the origin, whatever the browser would resolve the path to', () => {
    // searchParams.get already decoded %5C and %09: these are the strings the route sees.
    for (const asked of ['/\\evil.com', '/\t/evil.com', '//evil.com', 'https://evil.com/eu-de/', '\\\\evil.com/eu-de/', '/\\evil.com/eu-de/x']) {
      expect(safeReturnPath(asked, ORIGIN)).toBe('/');
    }
  });

  it('sends anything outside a market (or nothing) to the home page', () => {
    expect(safeReturnPath(null, ORIGIN)).toBe('/');
    expect(safeReturnPath('/api/revalidate', ORIGIN)).toBe('/');
    expect(safeReturnPath('/xx-yy/account', ORIGIN)).toBe('/');
    expect(safeReturnPath('/eu-dex/account', ORIGIN)).toBe('/');
    // Dot segments are resolved before the check, as the redirect would resolve them.
    expect(safeReturnPath('/eu-de/../api/revalidate', ORIGIN)).toBe('/');
  });
});
