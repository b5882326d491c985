import { createHash, createHmac } from 'node:crypto';

/**
 * A store-credit code is derived, never stored (issue #15): HMAC-SHA256 of the credit's id under
 * ORDERS_STORE_CREDIT_SECRET, so a retried return prints the same code again while a copy of the database alone
 * cannot spend any credit. The till looks a typed code up by its sha256 (`code_hash`).
 */

/** No 0/O or 1/I: the code is read out and typed at the till. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CREDIT_CODE = /^SC(-[A-HJ-NP-Z2-9]{4}){4}$/;

/** The development secret; start-up refuses to run without a real one when NODE_ENV=production. */
export const DEV_STORE_CREDIT_SECRET = 'storegraph-dev-store-credit-secret-change-me-012345';

/**
 * SC-XXXX-XXXX-XXXX-XXXX: the first 16 bytes of the MAC, each taken modulo 32 (256 is a multiple of 32, so every
 * symbol is equally likely): 80 bits, so a code cannot be guessed at a till's pace.
 */
export function deriveCreditCode(secret: string, creditId: string): string {
  const mac = createHmac('sha256', secret).update(creditId).digest();
  const chars = [...mac.subarray(0, 16)].map((b) => ALPHABET[b % 32]);
  return `SC-${[0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-')}`;
}

export const creditCodeHash = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * The code of a credit again, for the retry of the return that issued it: the first secret whose code hashes to
 * what was stored (the newest one, or an older one still listed while secrets rotate). Null for a credit none of
 * them derived (issued before codes were derived, or under a secret no longer listed): only its last 4 are known.
 */
export function recoverCreditCode(secrets: readonly string[], creditId: string, codeHash: string): string | null {
  for (const secret of secrets) {
    const code = deriveCreditCode(secret, creditId);
    if (creditCodeHash(code) === codeHash) return code;
  }
  return null;
}

/** What a receipt prints when the code cannot be derived again: its last four only. */
export const maskedCreditCode = (last4: string) => `SC-****-****-****-${last4}`;
