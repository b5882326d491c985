import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  CUSTOMER_TOKEN_ISSUER,
  hmacKey,
  STAFF_TOKEN_ISSUER,
  type CustomerTokenClaims,
  type StaffTokenClaims,
} from '@storegraph/schema';

/** A secret to hand out once (refresh, verification and reset tokens): only its SHA-256 is stored. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** 256 random bits need no salt or slow hash: SHA-256 makes the stored value useless to a database thief. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export async function signAccessToken(
  claims: CustomerTokenClaims,
  secret: string,
  ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
): Promise<{ token: string; expiresAt: Date }> {
  return signShortToken(CUSTOMER_TOKEN_ISSUER, claims.sub, { kind: claims.kind, sid: claims.sid, name: claims.name }, secret, ttlSeconds);
}

/** A staff member's access token: the same shape under the staff issuer, so it never passes for a customer's. */
export function signStaffAccessToken(claims: StaffTokenClaims, secret: string): Promise<{ token: string; expiresAt: Date }> {
  return signShortToken(STAFF_TOKEN_ISSUER, claims.sub, { kind: 'staff', sid: claims.sid, name: claims.name }, secret);
}

async function signShortToken(issuer: string, sub: string, payload: Record<string, unknown>, secret: string, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS) {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(sub)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await hmacKey(secret));
  return { token, expiresAt };
}
