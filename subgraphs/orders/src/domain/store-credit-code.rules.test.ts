import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CREDIT_CODE, deriveCreditCode, maskedCreditCode, recoverCreditCode } from './store-credit-code.rules.ts';

const SECRET = 'test-secret-of-at-least-32-characters!!';
const ID = 'scr_0123456789abcdef0123456789abcdef';
// `printf %s scr_0123... | openssl dgst -sha256 -hmac 'test-secret-of-at-least-32-characters!!'` starts
// b5 86 d6 df | b1 ec ac 0a | ee 3c 33 a0 | 90 e2 7c 84; each byte mod 32 indexes ABCDEFGHJKLMNPQRSTUVWXYZ23456789:
// 181%32=21 X, 134%32=6 G, 214%32=22 Y, 223%32=31 9 | 17 T, 12 N, 12 N, 10 L | 14 Q, 28 6, 19 V, 0 A | 16 S, 2 C, 28 6, 4 E.
const CODE = 'SC-XGY9-TNNL-Q6VA-SC6E';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('a store-credit code', () => {
  it('is the HMAC-SHA256 of the credit id under the secret, in the till’s alphabet', () => {
    expect(deriveCreditCode(SECRET, ID)).toBe(CODE);
    expect(CODE).toMatch(CREDIT_CODE);
    expect(deriveCreditCode(`${SECRET}x`, ID)).not.toBe(CODE);
  });

  it('is derived again from whichever listed secret made it, and not at all when none did', () => {
    expect(recoverCreditCode([SECRET], ID, sha256(CODE))).toBe(CODE);
    // Rotation: a new secret first, the old one still listed.
    expect(recoverCreditCode(['another-secret-of-at-least-32-characters', SECRET], ID, sha256(CODE))).toBe(CODE);
    // A random code stored before codes were derived: only its last four are known.
    expect(recoverCreditCode([SECRET], ID, sha256('SC-AAAA-BBBB-CCCC-DDDD'))).toBeNull();
    expect(maskedCreditCode('DDDD')).toBe('SC-****-****-****-DDDD');
  });
});
