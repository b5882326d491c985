import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { hmacKey } from './hmac-key.ts';

/**
 * A customer ticket: proof, carried by a till's offline sales, that the customer they name stood at that till. The
 * customers subgraph signs one while the till is online and the POS BFF has verified the customer's own access
 * token (x-till-customer); orders checks it when an offline batch lands, with the services' shared context secret.
 * Its own issuer and audience, so it never passes for a sales-channel context or a manager's approval, nor they
 * for it. A bare customer id proved nothing: a till could put sales in anyone's order history.
 */
export const TILL_CUSTOMER_TICKET_ISSUER = 'storegraph-till-customer';
const AUDIENCE = 'storegraph-till-offline-sale';
/** A day: the till keeps the ticket for the customer's visit and an outage that starts during it. */
export const TILL_CUSTOMER_TICKET_TTL_SECONDS = 24 * 3600;

export interface TillCustomerTicket {
  /** The till it was issued to: a ticket is worth nothing on another till. */
  tillId: string;
  customerId: string;
  /** When it was issued and ends (epoch seconds): an offline sale is checked against its own time of sale. */
  issuedAt: number;
  expiresAt: number;
}

export async function signTillCustomerTicket(
  t: Pick<TillCustomerTicket, 'tillId' | 'customerId'>,
  secret: string,
  ttlSeconds = TILL_CUSTOMER_TICKET_TTL_SECONDS,
): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + ttlSeconds;
  const token = await new SignJWT({ till: t.tillId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(TILL_CUSTOMER_TICKET_ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(t.customerId)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(await hmacKey(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * The ticket a token carries, or null when it is forged, malformed or for another audience. Expiry and the till
 * are the caller's rule: an offline sale is checked against the time it was made and the till posting it.
 */
export async function readTillCustomerTicket(token: string, secret: string): Promise<TillCustomerTicket | null> {
  if (token.length > 2048) return null;
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret), {
      algorithms: ['HS256'],
      issuer: TILL_CUSTOMER_TICKET_ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'iat', 'sub'],
      // Checked by the caller against the sale's time.
      currentDate: new Date(0),
    });
    const { till } = payload as Record<string, unknown>;
    if (typeof till !== 'string' || !payload.sub) return null;
    return { tillId: till, customerId: payload.sub, issuedAt: payload.iat!, expiresAt: payload.exp! };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
}
