import {
  appError,
  IDENTITY_LOOKUP_ISSUER,
  signChannelContext,
  STAFF_TOKEN_ISSUER,
  StaffPermission,
  type ChannelContext,
  type StaffGrant,
} from '@storegraph/schema';
import type { GatewayClient } from './gateway-client.ts';
import type { Principal } from './identity.ts';

interface StaffSessionFacts {
  active: boolean;
  grants: { permissions: string[]; channels: string[]; locations: string[] | null }[];
  name: string;
}

const QUERY =
  'query StaffSessionLookup($staffId: ID!, $sessionId: ID!) { staffSession(staffId: $staffId, sessionId: $sessionId) { active name grants { permissions channels locations } } }';

/**
 * A built-in staff member's grants (roles on channels, and locations) come from the staff record, not the token:
 * answers are kept for `ttlMs` per session (BFF_ACCOUNT_CACHE_MS, 30 s by default), so a grant revoked, a custom
 * role's permissions changed or a member disabled applies to the next request after that time, and a signed-out or
 * revoked session is refused. Staff the identity provider vouches for (IdP or OpenID Connect tokens) keep their
 * claims, as that provider is where their roles are managed.
 */
export class StaffDirectory {
  private cache = new Map<string, { facts: StaffSessionFacts | null; at: number }>();

  constructor(
    private readonly gateway: GatewayClient,
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  /** The principal with its current grants; throws UNAUTHENTICATED when the session is over. */
  async current(principal: Principal, base: ChannelContext): Promise<Principal> {
    if (principal.kind !== 'staff' || principal.iss !== STAFF_TOKEN_ISSUER) return principal;
    const key = `${principal.sub}|${principal.sid}`;
    let hit = this.cache.get(key);
    if (!hit || Date.now() - hit.at > this.ttlMs) {
      hit = { facts: await this.lookup(principal, base), at: Date.now() };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, hit);
    }
    if (!hit.facts?.active) throw appError('UNAUTHENTICATED', 'this staff session has ended; sign in again');
    // A permission this BFF does not know (a newer subgraph's) is left out rather than failing the context.
    const grants: StaffGrant[] = hit.facts.grants.map((g) => ({
      permissions: g.permissions.flatMap((p) => (StaffPermission.safeParse(p).success ? [p as StaffPermission] : [])),
      channels: g.channels,
      ...(g.locations ? { locations: g.locations } : {}),
    }));
    return { ...principal, name: hit.facts.name, roles: [], channels: [], grants };
  }

  /** Drops what is cached about a staff session (after sign-out through this BFF). */
  forget(staffId: string, sessionId: string | undefined) {
    this.cache.delete(`${staffId}|${sessionId}`);
  }

  private async lookup(principal: Principal, base: ChannelContext): Promise<StaffSessionFacts | null> {
    const token = await signChannelContext({ ...base, customerId: undefined, staff: undefined }, this.secret, IDENTITY_LOOKUP_ISSUER);
    const res = await this.gateway.execute(
      { query: QUERY, variables: { staffId: principal.sub, sessionId: principal.sid }, operationName: 'StaffSessionLookup' },
      token,
      base.requestId,
    );
    const body = res.body as { data?: { staffSession: StaffSessionFacts | null } };
    if (!body.data) throw appError('SERVICE_UNAVAILABLE', 'the staff directory did not answer; try again');
    return body.data.staffSession;
  }
}
