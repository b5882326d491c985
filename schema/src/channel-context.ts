import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { hmacKey } from './hmac-key.ts';
import { legacyStaffShape } from './legacy-staff-shape.rules.ts';

/**
 * The sales-channel context: who is asking, through which channel, in which currency and locale.
 * A BFF builds it after authenticating the caller, signs it, and every subgraph verifies it before
 * running a single resolver. Subgraphs never read identity from any other header.
 */
export const CONTEXT_HEADER = 'x-storegraph-context';
export const CONTEXT_AUDIENCE = 'storegraph-subgraphs';
/** Short on purpose: a leaked context is only replayable for this long. */
export const CONTEXT_TTL_SECONDS = 60;

export const ChannelKind = z.enum(['B2C', 'B2B', 'POS']);
export type ChannelKind = z.infer<typeof ChannelKind>;
export const TaxMode = z.enum(['INCLUSIVE', 'EXCLUSIVE']);
export type TaxMode = z.infer<typeof TaxMode>;

/**
 * What a staff member may do, one resource each: `staff-admin` manages staff, roles and grants and reads the audit
 * trail; `report-viewer` reads a channel's sales reports; `viewer` reads what the others write. A role is a named
 * set of these (the built-in roles are named after their one permission); a grant gives a role on channels.
 */
export const StaffPermission = z.enum([
  'catalog-admin',
  'pricing-admin',
  'stock-admin',
  'order-admin',
  'customer-admin',
  'webhook-admin',
  'staff-admin',
  'report-viewer',
  'viewer',
]);
export type StaffPermission = z.infer<typeof StaffPermission>;
/** The built-in roles, one a permission under the same name (what staff records and tokens held before custom roles). */
export const StaffRole = StaffPermission;
export type StaffRole = StaffPermission;

/**
 * Permissions on channels ('*' for every channel). `locations`, when present, narrows the grant to those stock
 * locations (shops, warehouses): it covers only checks that name a location (stock writes at a location, stock
 * read at a location), never a channel-wide one.
 */
export const StaffGrant = z.object({
  permissions: z.array(StaffPermission).max(20),
  channels: z.array(z.string().max(64)).max(100),
  locations: z.array(z.string().max(64)).max(100).optional(),
});
export type StaffGrant = z.infer<typeof StaffGrant>;

/**
 * The signed staff principal. The shape before grants (`roles` on `channels`) is still read, as one grant, so a
 * BFF or service of the previous release keeps working through a rolling deploy. What is signed is grants AND,
 * for the previous release's readers, that shape projected so it never grants more (legacy-staff-shape.rules.ts);
 * a context with both is read by its grants (the first branch strips the rest).
 */
const StaffPrincipal = z.union([
  z.object({ id: z.string(), grants: z.array(StaffGrant).max(100) }),
  z
    .object({ id: z.string(), roles: z.array(StaffPermission), channels: z.array(z.string()) })
    .transform((s) => ({ id: s.id, grants: [{ permissions: s.roles, channels: s.channels }] as StaffGrant[] })),
]);

/** What a member of a shop's staff may do at a till: managers also approve discounts above the threshold. */
export const TillRole = z.enum(['CASHIER', 'MANAGER']);
export type TillRole = z.infer<typeof TillRole>;

const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 currency code');
const localeCode = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'BCP 47 locale such as de-DE');

export const ChannelContextSchema = z.object({
  requestId: z.string().min(1).max(100),
  channel: z.string().min(1).max(64),
  channelKind: ChannelKind,
  currency: currencyCode,
  locale: localeCode,
  country: z.string().regex(/^[A-Z]{2}$/),
  taxMode: TaxMode,
  customerId: z.string().max(64).optional(),
  /** An anonymous shopper's guest session (B2C): owns a guest cart; beside customerId right after sign-in, to merge it. */
  guestId: z.string().max(64).optional(),
  customerGroup: z.string().max(64).optional(),
  companyId: z.string().max(64).optional(),
  /** A buyer's role in their company, read from the customer record (not the token). */
  companyRole: z.enum(['BUYER', 'APPROVER', 'ADMIN']).optional(),
  /** A buyer's limits in their company (minor units of `currency`), read from the record like the role. */
  buyerLimits: z
    .object({
      currency: currencyCode,
      perOrder: z.number().int().nonnegative().nullable(),
      monthly: z.number().int().nonnegative().nullable(),
    })
    .optional(),
  /**
   * A trade company's terms as the record holds them (minor units of `currency`): orders on terms are
   * invoiced, due `termsDays` after issue, and may owe at most `creditLimit` together. Absent: no terms.
   */
  companyCredit: z.object({ currency: currencyCode, termsDays: z.number().int().min(1).max(365), creditLimit: z.number().int().nonnegative() }).optional(),
  /** The signed-in customer's session (the sign-in's refresh-token family): sign-out ends it. */
  sessionId: z.string().max(64).optional(),
  /** The caller's address as the BFF saw it: sign-in throttling counts failures per address. */
  clientIp: z.string().max(64).optional(),
  locationId: z.string().max(64).optional(),
  /** Staff principal: what each grant permits, on its channels (and locations). */
  staff: StaffPrincipal.optional(),
  /**
   * A till with a cashier signed in on it (POS BFF only): the till, its sign-in and who works it, read from the
   * till and till-staff records, never from a client. `locationId` is then the till's shop.
   */
  till: z.object({ id: z.string().max(64), signInId: z.string().max(64), staffId: z.string().max(64), role: TillRole }).optional(),
});
export type ChannelContext = z.infer<typeof ChannelContextSchema>;
/** What may be signed: the staff principal also in its shape before grants (read as one grant). */
export type ChannelContextInput = z.input<typeof ChannelContextSchema>;

export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

function keyOf(secret: string): Promise<CryptoKey> {
  if (secret.length < 32) throw new ContextError('context signing secret must be at least 32 characters');
  return hmacKey(secret);
}

export async function signChannelContext(ctx: ChannelContextInput, secret: string, issuer: string, ttlSeconds = CONTEXT_TTL_SECONDS): Promise<string> {
  const parsed = ChannelContextSchema.parse(ctx);
  const payload = parsed.staff ? { ...parsed, staff: { ...parsed.staff, ...legacyStaffShape(parsed.staff.grants) } } : parsed;
  return new SignJWT({ ctx: payload })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(CONTEXT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(await keyOf(secret));
}

/** Who may sign contexts by default: the BFFs and the checkout acting as a service. */
export const DEFAULT_CONTEXT_ISSUERS = ['bff-b2c', 'bff-b2b', 'bff-pos', 'bff-admin', 'bff-identity', 'svc-orders', 'svc-customers'] as const;
/** The issuer the orders subgraph signs with when its checkout calls stock and prices for a customer. */
export const CHECKOUT_ISSUER = 'svc-orders';
/**
 * The issuer a BFF signs its own identity lookups with (a session's facts, an external provider's user): never
 * a client's request, so `accountForExternalIdentity` can require it whatever a client sends.
 */
export const IDENTITY_LOOKUP_ISSUER = 'bff-identity';
/** The issuer the customers subgraph signs with when an erasure asks orders to forget a person. */
export const CUSTOMERS_SERVICE_ISSUER = 'svc-customers';

export interface ContextVerifyOptions {
  /** Accepted `iss` values. */
  issuers: readonly string[];
  /** Longest accepted lifetime (exp - iat): a context signed to live for years is refused. */
  maxTtlSeconds: number;
  /** Tolerated clock difference between signer and verifier, for `iat` and `exp`. */
  clockSkewSeconds: number;
}

export const DEFAULT_VERIFY_OPTIONS: ContextVerifyOptions = { issuers: DEFAULT_CONTEXT_ISSUERS, maxTtlSeconds: 300, clockSkewSeconds: 30 };

export interface VerifiedContext {
  context: ChannelContext;
  /** Which service signed it (a BFF, or the checkout acting for a customer). */
  issuer: string;
}

/**
 * Verifies signature, audience, issuer and lifetime, then the shape. A token must say when it was issued
 * and when it expires, live at most `maxTtlSeconds`, and not be issued in the future beyond the clock
 * skew. Any failure is a ContextError whose message names the reason and is safe to return to the caller
 * (it never echoes the token).
 */
export async function verifyChannelContext(
  token: string | undefined,
  secrets: string[],
  options: ContextVerifyOptions = DEFAULT_VERIFY_OPTIONS,
): Promise<VerifiedContext> {
  if (!token) throw new ContextError('missing sales-channel context');
  let verified: Awaited<ReturnType<typeof jwtVerify>> | undefined;
  let lastError: unknown;
  for (const secret of secrets) {
    try {
      verified = await jwtVerify(token, await keyOf(secret), {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'iss', 'aud'],
        clockTolerance: options.clockSkewSeconds,
      });
      break;
    } catch (err) {
      lastError = err;
      // Only a bad signature may be another key's: any other failure is final.
      if (!(err instanceof joseErrors.JWSSignatureVerificationFailed)) break;
    }
  }
  if (!verified) throw new ContextError(reasonOf(lastError));
  const { payload } = verified;
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(CONTEXT_AUDIENCE)) throw new ContextError('sales-channel context is for another audience');
  if (!payload.iss || !options.issuers.includes(payload.iss)) throw new ContextError('sales-channel context from an unknown issuer');
  const now = Math.floor(Date.now() / 1000);
  if (payload.iat! > now + options.clockSkewSeconds) throw new ContextError('sales-channel context issued in the future');
  if (payload.exp! - payload.iat! > options.maxTtlSeconds) throw new ContextError(`sales-channel context lives longer than ${options.maxTtlSeconds} s`);
  const parsed = ChannelContextSchema.safeParse(payload.ctx);
  if (!parsed.success) throw new ContextError('malformed sales-channel context');
  return { context: parsed.data, issuer: payload.iss };
}

function reasonOf(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'expired sales-channel context';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `sales-channel context without a valid ${err.claim} claim`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'invalid sales-channel context signature';
  return 'malformed sales-channel context';
}

const covers = (grant: StaffGrant, channel: string) => grant.channels.includes('*') || grant.channels.includes(channel);

/**
 * Staff may act on a channel when a grant of theirs holds the permission there (or on every channel). With a
 * location, a grant narrowed to locations must list it; without one, only grants on whole channels count (a
 * stock-admin of the Berlin shop sets no channel-wide policy).
 */
export function staffCan(ctx: ChannelContext, permission: StaffPermission, channel: string = ctx.channel, location?: string): boolean {
  const grants = ctx.staff?.grants ?? [];
  return grants.some(
    (g) =>
      g.permissions.includes(permission) && covers(g, channel) && (g.locations === undefined || (location !== undefined && g.locations.includes(location))),
  );
}

/**
 * Whether any grant holds the permission on some channel: the gate before a per-channel filter. As with staffCan,
 * a grant narrowed to locations counts only when the check names one of them (a viewer of the Berlin shop passes
 * no channel-wide gate such as a realm's account policy).
 */
export function staffHolds(ctx: ChannelContext, permission: StaffPermission, location?: string): boolean {
  return (ctx.staff?.grants ?? []).some(
    (g) => g.permissions.includes(permission) && (g.locations === undefined || (location !== undefined && g.locations.includes(location))),
  );
}

/** The channels where a grant holds one of the permissions on the whole channel ('*' among them when so granted). */
export function staffChannels(ctx: ChannelContext, permissions: readonly StaffPermission[]): string[] {
  const grants = (ctx.staff?.grants ?? []).filter((g) => g.locations === undefined && permissions.some((p) => g.permissions.includes(p)));
  return [...new Set(grants.flatMap((g) => g.channels))];
}

/** Every channel any grant names, and every permission any grant holds: what the audit trail records of the caller. */
export function staffScope(ctx: ChannelContext): { permissions: StaffPermission[]; channels: string[] } {
  const grants = ctx.staff?.grants ?? [];
  return { permissions: [...new Set(grants.flatMap((g) => g.permissions))], channels: [...new Set(grants.flatMap((g) => g.channels))] };
}
