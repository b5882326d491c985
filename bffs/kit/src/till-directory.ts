import { appError, IDENTITY_LOOKUP_ISSUER, signChannelContext, TILL_TOKEN_ISSUER, type TillRole, type ChannelContext } from '@storegraph/schema';
import type { GatewayClient } from './gateway-client.ts';
import type { Principal } from './identity.ts';

export interface TillSessionFacts {
  active: boolean;
  tillId: string;
  channel: string;
  locationId: string;
  staffId: string;
  role: TillRole;
}

const QUERY =
  'query TillSessionLookup($tillId: ID!, $sessionId: ID!) { tillSession(tillId: $tillId, sessionId: $sessionId) { active tillId channel locationId staffId role } }';

/**
 * A till's shop and channel and its cashier's role come from the till and till-staff records, not the token (nor
 * any header): answers are kept for `ttlMs` per sign-in, so a revoked till or a signed-out cashier stops within
 * that time (at once on this BFF after TillSignOut).
 */
export class TillDirectory {
  private cache = new Map<string, { facts: TillSessionFacts | null; at: number }>();

  constructor(
    private readonly gateway: GatewayClient,
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  /** The till of a till-issued token, or null for any other principal; throws UNAUTHENTICATED when the sign-in is over. */
  async current(principal: Principal | null, base: ChannelContext): Promise<TillSessionFacts | null> {
    if (principal?.kind !== 'device' || principal.iss !== TILL_TOKEN_ISSUER) return null;
    const key = `${principal.sub}|${principal.sid}`;
    let hit = this.cache.get(key);
    if (!hit || Date.now() - hit.at > this.ttlMs) {
      hit = { facts: await this.lookup(principal, base), at: Date.now() };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, hit);
    }
    if (!hit.facts?.active) throw appError('UNAUTHENTICATED', 'this till sign-in has ended; sign in again with your PIN');
    return hit.facts;
  }

  forget(tillId: string, sessionId: string) {
    this.cache.delete(`${tillId}|${sessionId}`);
  }

  private async lookup(principal: Principal, base: ChannelContext): Promise<TillSessionFacts | null> {
    const token = await signChannelContext({ ...base, customerId: undefined, staff: undefined }, this.secret, IDENTITY_LOOKUP_ISSUER);
    const res = await this.gateway.execute(
      { query: QUERY, variables: { tillId: principal.sub, sessionId: principal.sid }, operationName: 'TillSessionLookup' },
      token,
      base.requestId,
    );
    const body = res.body as { data?: { tillSession: TillSessionFacts | null } };
    if (!body.data) throw appError('SERVICE_UNAVAILABLE', 'the till directory did not answer; try again');
    return body.data.tillSession;
  }
}
