import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path.rules';

describe('the path the session refresh route sends a shopper back to', () => {
  it('keeps a page of a market on this storefront, with its query', () => {
    expect(safeReturnPath('/eu-de/account')).toBe('/eu-de/account');
    expect(safeReturnPath('/eu-de')).toBe('/eu-de');
    expect(safeReturnPath('/us-en/orders/o1?tab=lines')).toBe('/us-en/orders/o1?tab=lines');
  });

  it('never leaves the origin, whatever the browser would resolve the path to', () => {
    // searchParams.get already decoded %5C and %09: these are the strings the route sees. The last one names the
    // stand-in origin the rule resolves against: an absolute URL is refused whatever its host.
    for (const asked of [
      '/\\evil.com',
      '/\t/evil.com',
      '//evil.com',
      'https://evil.com/eu-de/',
      '\\\\evil.com/eu-de/',
      '/\\evil.com/eu-de/x',
      'http://storefront.invalid/eu-de/account',
    ]) {
      expect(safeReturnPath(asked)).toBe('/');
    }
  });

  it('sends anything outside a market (or nothing) to the home page', () => {
    expect(safeReturnPath(null)).toBe('/');
    expect(safeReturnPath('/api/revalidate')).toBe('/');
    expect(safeReturnPath('/xx-yy/account')).toBe('/');
    expect(safeReturnPath('/eu-dex/account')).toBe('/');
    // Dot segments are resolved before the check, as the redirect would resolve them.
    expect(safeReturnPath('/eu-de/../api/revalidate')).toBe('/');
  });
});
