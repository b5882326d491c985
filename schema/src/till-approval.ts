import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { hmacKey } from './hmac-key.ts';

/**
 * A manager's approval of a manual discount at a till, signed by the customers subgraph (where PINs are checked)
 * and verified by orders (where the sale is written) with the services' shared context secret. Its own issuer and
 * audience, so it never passes for a sales-channel context (whose verifier accepts only the listed issuers and
 * the context audience) nor a context for it.
 */
export const TILL_APPROVAL_ISSUER = 'storegraph-till-approval';
const AUDIENCE = 'storegraph-till-sale';
/** Long enough for the sale the manager stood beside, short enough that a token is no standing licence. */
export const TILL_APPROVAL_TTL_SECONDS = 300;

export type TillApprovalPurpose = 'DISCOUNT' | 'RETURN';

export interface TillApproval {
  /** The till the manager approved at: a token is worth nothing on another till. */
  tillId: string;
  /** The cashier's sign-in it was given to. */
  signInId: string;
  /** The manager's till-staff id and name (printed on the receipt). */
  managerId: string;
  managerName: string;
  /** The most discount (minor units) it covers; for a return without a receipt, the most store credit. */
  maxDiscount: number;
  /** What the manager approved: a discount, or a return without a receipt (store credit). Absent in older tokens: DISCOUNT. */
  purpose: TillApprovalPurpose;
  /** When it was issued and ends (epoch seconds): an offline sale is checked against its own time of sale. */
  issuedAt: number;
  expiresAt: number;
}

export async function signTillApproval(
  a: Omit<TillApproval, 'issuedAt' | 'expiresAt' | 'purpose'> & { purpose?: TillApprovalPurpose },
  secret: string,
): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + TILL_APPROVAL_TTL_SECONDS;
  // A discount approval carries no `pur`, so its token is the one issued before returns needed approval.
  const purpose = a.purpose === 'RETURN' ? { pur: 'RETURN' } : {};
  const token = await new SignJWT({ till: a.tillId, sid: a.signInId, name: a.managerName, max: a.maxDiscount, ...purpose })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(TILL_APPROVAL_ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(a.managerId)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(await hmacKey(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * The approval a token carries, or null when it is forged, malformed or for another audience. Expiry is the
 * caller's rule (`at`): a sale at the till checks now, an offline sale the time it was made.
 */
export async function readTillApproval(token: string, secret: string): Promise<TillApproval | null> {
  if (token.length > 2048) return null;
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret), {
      algorithms: ['HS256'],
      issuer: TILL_APPROVAL_ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'iat', 'sub'],
      // Checked by the caller against the sale's time.
      currentDate: new Date(0),
    });
    const { till, sid, name, max, pur } = payload as Record<string, unknown>;
    if (typeof till !== 'string' || typeof sid !== 'string' || typeof name !== 'string' || !Number.isSafeInteger(max)) return null;
    if (pur !== undefined && pur !== 'RETURN') return null;
    return {
      tillId: till,
      signInId: sid,
      managerId: payload.sub!,
      managerName: name,
      maxDiscount: max as number,
      purpose: pur === 'RETURN' ? 'RETURN' : 'DISCOUNT',
      issuedAt: payload.iat!,
      expiresAt: payload.exp!,
    };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
}
