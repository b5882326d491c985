/**
 * Bearer tokens the BFFs accept, by issuer. The customers subgraph signs access tokens for accounts;
 * the BFFs verify them with the same identity-provider secret and then read the account's current
 * state (session alive, group, company, role) from the customers subgraph, never from the claims alone.
 */
export const CUSTOMER_TOKEN_ISSUER = 'storegraph-customers';
/** Access tokens are short: a revoked session's token stops working at the latest when it expires. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** What a customer access token carries: who (sub), what kind of account, and the session (sign-in family). */
export interface CustomerTokenClaims {
  sub: string;
  kind: 'customer' | 'buyer';
  /** The session's family id: signOut and refresh-token reuse revoke it. */
  sid: string;
  name?: string;
}

/**
 * The customers subgraph also signs staff access tokens (built-in staff accounts): another issuer, so a
 * customer token can never pass for a staff one. The admin BFF reads the staff member's roles, channels and
 * session from the record on every request (cached briefly), never from these claims.
 */
export const STAFF_TOKEN_ISSUER = 'storegraph-staff';

export interface StaffTokenClaims {
  sub: string;
  /** The staff sign-in's family id: sign-out and refresh-token reuse revoke it. */
  sid: string;
  name?: string;
}

/** Development only (refused in production by config): the secret the identity provider and BFFs share by default. */
export const DEV_IDP_SECRET = 'storegraph-dev-identity-secret-change-me-0123456789';

/**
 * The customers subgraph signs a till's session token when a staff member signs in on a registered till with
 * their PIN: another issuer again, so neither a customer's nor a staff member's token passes for a till. The POS
 * BFF reads the till (channel, shop) and the cashier (role) from their records on every request (cached
 * briefly), so a revoked till or a signed-out cashier stops at once.
 */
export const TILL_TOKEN_ISSUER = 'storegraph-till';
/** A cashier's sign-in on a till lasts a shift at most: after it the PIN is asked again. */
export const TILL_TOKEN_TTL_SECONDS = 8 * 3600;

export interface TillTokenClaims {
  /** The till (device) id. */
  sub: string;
  /** The till sign-in's id: sign-out ends it. */
  sid: string;
  /** The till's POS channel, so the BFF can pick it before the lookup confirms it. */
  channel: string;
  name?: string;
}
