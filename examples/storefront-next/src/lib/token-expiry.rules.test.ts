import { describe, expect, it } from 'vitest';
import { needsRefresh, tokenTimes } from './token-expiry.rules';

/** An unsigned JWT-shaped token: the rules read claims only (the BFF verifies the signature). */
const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const T0 = 1_800_000_000; // seconds

describe('access token expiry', () => {
  it('reads iat and exp in milliseconds, and nothing from a token that is not a JWT', () => {
    expect(tokenTimes(jwt({ iat: T0, exp: T0 + 900 }))).toEqual({ issuedAt: T0 * 1000, expiresAt: (T0 + 900) * 1000 });
    expect(tokenTimes('not-a-jwt')).toBeNull();
    expect(tokenTimes(jwt({ exp: T0 }))).toBeNull();
  });

  it('refreshes a 15-minute token in its last 30 s, and a 20 s token in its last 2 s', () => {
    const long = jwt({ iat: T0, exp: T0 + 900 });
    // 900 s / 10 = 90 s, capped at 30 s: refresh from T0 + 870 s.
    expect(needsRefresh(long, (T0 + 869) * 1000)).toBe(false);
    expect(needsRefresh(long, (T0 + 870) * 1000)).toBe(true);
    expect(needsRefresh(long, (T0 + 1000) * 1000)).toBe(true);
    const short = jwt({ iat: T0, exp: T0 + 20 });
    // 20 s / 10 = 2 s: refresh from T0 + 18 s.
    expect(needsRefresh(short, (T0 + 17) * 1000)).toBe(false);
    expect(needsRefresh(short, (T0 + 18) * 1000)).toBe(true);
    expect(needsRefresh('opaque', (T0 + 18) * 1000)).toBe(false);
  });
});
