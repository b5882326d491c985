import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { CUSTOMER_TOKEN_ISSUER, hmacKey, STAFF_TOKEN_ISSUER, StaffGrant, StaffRole, TILL_TOKEN_ISSUER } from '@storegraph/schema';

/**
 * Callers authenticate with a bearer token from the identity provider (in production an OIDC provider;
 * in development the demo issuer below). The BFF verifies it and turns its claims into a principal.
 */
export const Principal = z.object({
  sub: z.string().min(1),
  kind: z.enum(['customer', 'buyer', 'device', 'staff', 'guest']),
  name: z.string().optional(),
  group: z.string().optional(),
  company: z.string().optional(),
  /** A buyer's role in `company`, for identity-provider buyers with no account here (an account's record decides otherwise). */
  companyRole: z.enum(['BUYER', 'APPROVER', 'ADMIN']).optional(),
  /** Such a buyer's limits (minor units of `currency`). */
  buyerLimits: z.object({ currency: z.string(), perOrder: z.number().int().nullable(), monthly: z.number().int().nullable() }).optional(),
  /** Such a buyer's company terms (minor units of `currency`). */
  companyCredit: z.object({ currency: z.string(), termsDays: z.number().int(), creditLimit: z.number().int() }).optional(),
  location: z.string().optional(),
  /** For devices (POS tills): the channel the till belongs to. */
  channel: z.string().optional(),
  roles: z.array(StaffRole).optional(),
  channels: z.array(z.string()).optional(),
  /** Staff: role grants beside `roles` on `channels` (for built-in staff, all of them come from the staff record). */
  grants: z.array(StaffGrant).max(50).optional(),
  /** Accounts signed in with the customers subgraph: the session (sign-in family) the token belongs to. */
  sid: z.string().max(64).optional(),
  /** Which identity provider vouched for this principal. */
  iss: z.string().optional(),
  /** An external OpenID Connect provider's user: `sub` is the provider's subject until mapped to an account. */
  external: z.boolean().optional(),
  email: z.string().optional(),
  emailVerified: z.boolean().optional(),
});
export type Principal = z.infer<typeof Principal>;

export const IDP_ISSUER = 'storegraph-demo-idp';

export async function issueToken(principal: Principal, secret: string, ttl = '12h'): Promise<string> {
  return new SignJWT({ ...Principal.parse(principal) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(IDP_ISSUER)
    .setSubject(principal.sub)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(await hmacKey(secret));
}

export class AuthError extends Error {}

/**
 * Verifies a bearer token from one of the issuers the BFFs know: the customers subgraph (accounts, with a
 * session id; built-in staff, under their own issuer) and the identity-provider issuer (guest sessions, devices, staff, and in development the demo
 * people), both signed with STOREGRAPH_IDP_SECRET. Either way the customer record, where one exists, decides
 * the caller's group, company and session (AccountDirectory), not these claims.
 */
export async function verifyBearer(header: string | undefined, secret: string): Promise<Principal | null> {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) throw new AuthError('authorization header must be "Bearer <token>"');
  let principal: Principal;
  try {
    const { payload } = await jwtVerify(match[1]!, await hmacKey(secret), {
      issuer: [IDP_ISSUER, CUSTOMER_TOKEN_ISSUER, STAFF_TOKEN_ISSUER, TILL_TOKEN_ISSUER],
      algorithms: ['HS256'],
    });
    principal = Principal.parse(payload);
  } catch {
    throw new AuthError('invalid or expired access token');
  }
  if (principal.iss === CUSTOMER_TOKEN_ISSUER && ((principal.kind !== 'customer' && principal.kind !== 'buyer') || !principal.sid)) {
    throw new AuthError('invalid or expired access token');
  }
  // A till sign-in: its shop and cashier come from the records (TillDirectory); only the till id, sign-in and channel count.
  if (principal.iss === TILL_TOKEN_ISSUER) {
    if (principal.kind !== 'device' || !principal.sid || !principal.channel) throw new AuthError('invalid or expired access token');
    return { sub: principal.sub, kind: 'device', sid: principal.sid, channel: principal.channel, name: principal.name, iss: principal.iss };
  }
  // Built-in staff tokens carry no roles: the staff record gives them (StaffDirectory), so claims are dropped.
  if (principal.iss === STAFF_TOKEN_ISSUER) {
    if (principal.kind !== 'staff' || !principal.sid) throw new AuthError('invalid or expired access token');
    return { ...principal, roles: [], channels: [], grants: [] };
  }
  return principal;
}

/** How long a guest session (and so a guest cart) can be resumed with its token. */
export const GUEST_SESSION_TTL = '30d';

/**
 * An anonymous shopper's session on a storefront: a bearer token of its own (kind guest), so a guest can
 * own a cart and check out; nothing else about them is known until they give an email at checkout.
 */
export async function issueGuestToken(secret: string): Promise<{ accessToken: string; guestId: string }> {
  const guestId = `gst_${randomUUID().replaceAll('-', '')}`;
  return { accessToken: await issueToken({ sub: guestId, kind: 'guest' }, secret, GUEST_SESSION_TTL), guestId };
}

/**
 * The guest session a signed-in customer came from (`x-guest-token`), so their guest cart can be merged;
 * anything but a valid guest token is ignored.
 */
export async function guestOf(header: string | string[] | undefined, secret: string): Promise<string | undefined> {
  if (typeof header !== 'string' || header.length > 2048) return undefined;
  const principal = await verifyBearer(`Bearer ${header.replace(/^Bearer\s+/i, '')}`, secret).catch(() => null);
  return principal?.kind === 'guest' ? principal.sub : undefined;
}
