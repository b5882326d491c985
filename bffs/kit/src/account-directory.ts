import {
  appError,
  CLIENT_ERROR_CODES,
  Code,
  CUSTOMER_TOKEN_ISSUER,
  IDENTITY_LOOKUP_ISSUER,
  signChannelContext,
  type ChannelContext,
  type ErrorCode,
} from '@storegraph/schema';
import type { GatewayClient } from './gateway-client.ts';
import type { Principal } from './identity.ts';

/** What the customer record says about a signed-in caller right now. */
export interface AccountFacts {
  group?: string;
  companyId?: string;
  companyRole?: 'BUYER' | 'APPROVER' | 'ADMIN';
  buyerLimits?: BuyerLimits;
  companyCredit?: CompanyCredit;
}

/** A company's terms: orders on terms are invoiced and owe at most `creditLimit` together. */
export interface CompanyCredit {
  currency: string;
  termsDays: number;
  creditLimit: number;
}

export interface BuyerLimits {
  currency: string;
  perOrder: number | null;
  monthly: number | null;
}

type Money = { amount: number; currency: string } | null;

interface ViewerSession {
  active: boolean;
  inRealm: boolean;
  group: string | null;
  companyId: string | null;
  companyRole: AccountFacts['companyRole'] | null;
  orderLimit: Money;
  monthlyLimit: Money;
  paymentTermsDays: number | null;
  creditLimit: Money;
}

/** Terms only when the company gives any (0 days = pay at order). */
function creditOf(s: ViewerSession): CompanyCredit | undefined {
  if (!s.paymentTermsDays || !s.creditLimit) return undefined;
  return { currency: s.creditLimit.currency, termsDays: s.paymentTermsDays, creditLimit: s.creditLimit.amount };
}

/** A buyer's limits as one currency (the company's); none when neither is set. */
function limitsOf(s: ViewerSession): BuyerLimits | undefined {
  const currency = s.orderLimit?.currency ?? s.monthlyLimit?.currency;
  return currency ? { currency, perOrder: s.orderLimit?.amount ?? null, monthly: s.monthlyLimit?.amount ?? null } : undefined;
}

const QUERY =
  'query ViewerSession { viewerSession { active inRealm group companyId companyRole orderLimit { amount currency } monthlyLimit { amount currency } paymentTermsDays creditLimit { amount currency } } }';
const EXTERNAL = 'mutation ExternalAccount($input: ExternalIdentityInput!) { accountForExternalIdentity(input: $input) { customerId } }';

/**
 * The caller's group, company and role come from the customers subgraph, not from token claims, and a
 * signed-out or revoked session is refused: answers are kept for `ttlMs` per session and channel, so a buyer
 * removed from a company or a changed group takes effect within that time (30 s by default; the issue's bound is 60 s).
 * Sign-out through this BFF forgets the entry at once.
 */
export class AccountDirectory {
  private cache = new Map<string, { facts: AccountFacts | 'revoked' | 'elsewhere' | 'unknown'; at: number }>();

  constructor(
    private readonly gateway: GatewayClient,
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  /** Facts for a customer or buyer; throws UNAUTHENTICATED (session over) or FORBIDDEN (account of another realm). */
  async factsFor(principal: Principal, base: ChannelContext): Promise<AccountFacts> {
    const key = `${base.channel}|${principal.sub}|${principal.sid ?? '-'}`;
    let hit = this.cache.get(key);
    if (!hit || Date.now() - hit.at > this.ttlMs) {
      hit = { facts: await this.lookup(principal, base), at: Date.now() };
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(key, hit);
    }
    const facts = hit.facts;
    if (facts === 'revoked') throw appError('UNAUTHENTICATED', 'this session has ended; sign in again');
    if (facts === 'elsewhere') throw appError('FORBIDDEN', `this account does not sign in on channel ${base.channel}`);
    if (facts === 'unknown' && principal.external) throw appError('UNAUTHENTICATED', 'no such account; sign in again');
    if (facts === 'unknown') {
      // Identity-provider tokens for people with no account here (an external provider's users, test identities)
      // keep their claims; a token the customers subgraph signed needs its account.
      if (principal.iss === CUSTOMER_TOKEN_ISSUER) throw appError('UNAUTHENTICATED', 'no such account; sign in again');
      const buyer = principal.kind === 'buyer';
      return {
        group: principal.group,
        companyId: buyer ? principal.company : undefined,
        companyRole: buyer ? principal.companyRole : undefined,
        buyerLimits: buyer ? principal.buyerLimits : undefined,
        companyCredit: buyer ? principal.companyCredit : undefined,
      };
    }
    return facts;
  }

  private external = new Map<string, { customerId: string; at: number }>();

  /**
   * The account an external provider's user is in this channel's realm (created on first sign-in). Kept for
   * the same time as the facts; a provider's user is a customer of the storefront, never a trade buyer.
   */
  async externalAccount(principal: Principal, base: ChannelContext): Promise<Principal> {
    const key = `${base.channel}|${principal.iss}|${principal.sub}`;
    let hit = this.external.get(key);
    if (!hit || Date.now() - hit.at > this.ttlMs) {
      const token = await signChannelContext({ ...base, customerId: undefined, staff: undefined }, this.secret, IDENTITY_LOOKUP_ISSUER);
      const input = { issuer: principal.iss, subject: principal.sub, email: principal.email, emailVerified: !!principal.emailVerified, name: principal.name };
      const res = await this.gateway.execute({ query: EXTERNAL, variables: { input }, operationName: 'ExternalAccount' }, token, base.requestId);
      const body = res.body as {
        data?: { accountForExternalIdentity: { customerId: string } };
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      // A refusal with a client code (CONFLICT: an unverified email of a local account; BAD_USER_INPUT: the
      // provider's claims break a rule) is the caller's to see; only a silent service is SERVICE_UNAVAILABLE.
      const refused = body.errors?.[0];
      const code = refused?.extensions?.code;
      if (refused && code && CLIENT_ERROR_CODES.has(code))
        throw appError(code === Code.BAD_USER_INPUT ? Code.UNAUTHENTICATED : (code as ErrorCode), refused.message);
      if (!body.data) throw appError('SERVICE_UNAVAILABLE', 'the customer service did not answer; try again');
      hit = { customerId: body.data.accountForExternalIdentity.customerId, at: Date.now() };
      if (this.external.size > 50_000) this.external.clear();
      this.external.set(key, hit);
    }
    return { sub: hit.customerId, kind: 'customer', name: principal.name, iss: principal.iss, external: true };
  }

  /** Drops what is cached about a session (after sign-out or erasure), by the account id the context carried. */
  forget(customerId: string, sessionId: string | undefined) {
    for (const key of this.cache.keys()) if (key.endsWith(`|${customerId}|${sessionId ?? '-'}`)) this.cache.delete(key);
    // An erased account's provider users map to a new account on their next visit.
    for (const [key, hit] of this.external) if (hit.customerId === customerId) this.external.delete(key);
  }

  private async lookup(principal: Principal, base: ChannelContext) {
    const ctx: ChannelContext = {
      ...base,
      customerId: principal.sub,
      sessionId: principal.sid,
      customerGroup: undefined,
      companyId: undefined,
      staff: undefined,
    };
    const token = await signChannelContext(ctx, this.secret, IDENTITY_LOOKUP_ISSUER);
    const res = await this.gateway.execute({ query: QUERY, operationName: 'ViewerSession' }, token, base.requestId);
    const body = res.body as { data?: { viewerSession: ViewerSession | null }; errors?: { message: string }[] };
    if (!body.data) throw appError('SERVICE_UNAVAILABLE', 'the customer service did not answer; try again');
    const s = body.data.viewerSession;
    if (!s) return 'unknown' as const;
    if (!s.active) return 'revoked' as const;
    if (!s.inRealm) return 'elsewhere' as const;
    return {
      group: s.group ?? undefined,
      companyId: s.companyId ?? undefined,
      companyRole: s.companyRole ?? undefined,
      buyerLimits: limitsOf(s),
      companyCredit: creditOf(s),
    };
  }
}
