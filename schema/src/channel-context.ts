import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { hmacKey } from './hmac-key.ts';

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

export const StaffRole = z.enum(['catalog-admin', 'pricing-admin', 'stock-admin', 'order-admin', 'viewer']);
export type StaffRole = z.infer<typeof StaffRole>;

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
  customerGroup: z.string().max(64).optional(),
  companyId: z.string().max(64).optional(),
  locationId: z.string().max(64).optional(),
  /** Staff principal: roles apply only to the channels listed (`*` for every channel). */
  staff: z.object({ id: z.string(), roles: z.array(StaffRole), channels: z.array(z.string()) }).optional(),
});
export type ChannelContext = z.infer<typeof ChannelContextSchema>;

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

export async function signChannelContext(ctx: ChannelContext, secret: string, issuer: string, ttlSeconds = CONTEXT_TTL_SECONDS): Promise<string> {
  const payload = ChannelContextSchema.parse(ctx);
  return new SignJWT({ ctx: payload })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(CONTEXT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(await keyOf(secret));
}

/**
 * Verifies signature, audience and expiry, then the shape. Any failure is a ContextError whose
 * message is safe to return to the caller (it never echoes the token).
 */
export async function verifyChannelContext(token: string | undefined, secrets: string[]): Promise<ChannelContext> {
  if (!token) throw new ContextError('missing sales-channel context');
  let lastError: unknown;
  for (const secret of secrets) {
    try {
      const { payload } = await jwtVerify(token, await keyOf(secret), {
        audience: CONTEXT_AUDIENCE,
        algorithms: ['HS256'],
      });
      const parsed = ChannelContextSchema.safeParse(payload.ctx);
      if (!parsed.success) throw new ContextError('malformed sales-channel context');
      return parsed.data;
    } catch (err) {
      if (err instanceof ContextError) throw err;
      lastError = err;
    }
  }
  if (lastError instanceof joseErrors.JWTExpired) throw new ContextError('expired sales-channel context');
  throw new ContextError('invalid sales-channel context signature');
}

/** Staff may act on a channel when a role they hold is scoped to it (or to every channel). */
export function staffCan(ctx: ChannelContext, role: StaffRole, channel: string = ctx.channel): boolean {
  const staff = ctx.staff;
  if (!staff) return false;
  const inScope = staff.channels.includes('*') || staff.channels.includes(channel);
  return inScope && staff.roles.includes(role);
}
