/**
 * When a customer's access token should be exchanged. The token is a JWT the BFF verifies; the storefront only
 * reads its `iat` and `exp` to decide when to refresh, never to trust who it names.
 */
export interface TokenTimes {
  issuedAt: number;
  expiresAt: number;
}

/** Issue and expiry in epoch milliseconds, or null for anything that is not a JWT with both claims. */
export function tokenTimes(token: string): TokenTimes | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iat?: unknown; exp?: unknown };
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return null;
    return { issuedAt: claims.iat * 1000, expiresAt: claims.exp * 1000 };
  } catch {
    return null;
  }
}

/**
 * Refresh once the token is expired or about to be: within a tenth of its life, at most 30 s (a 15-minute token
 * is refreshed in its last 30 s, so a page's several BFF calls never straddle its expiry).
 */
export function needsRefresh(token: string, now: number): boolean {
  const t = tokenTimes(token);
  if (!t) return false;
  const margin = Math.min(30_000, (t.expiresAt - t.issuedAt) / 10);
  return now >= t.expiresAt - margin;
}
