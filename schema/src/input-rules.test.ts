import { describe, expect, it } from 'vitest';
import { findInputViolation } from './input-rules.ts';

const nested = (levels: number): unknown => (levels === 1 ? {} : { a: nested(levels - 1) });

describe('findInputViolation', () => {
  it('passes ordinary input, including tabs, line breaks, accents, emoji and CJK', () => {
    const input = {
      input: {
        idempotencyKey: 'checkout-7f3a',
        lines: [{ variantId: 'var_0001_1', quantity: 2 }],
        note: 'Bitte klingeln\r\n\tHof links — Zoë 🎁 東京',
        gift: true,
        coupon: null,
      },
    };
    expect(findInputViolation(input)).toBeNull();
  });

  it('names the path and reason of a NUL, an ESC, a DEL and a C1 control', () => {
    expect(findInputViolation({ input: { idempotencyKey: 'k\u0000' } })).toEqual({
      path: '$.input.idempotencyKey',
      reason: 'CONTROL_CHARACTER',
      message: '$.input.idempotencyKey contains the control character U+0000',
    });
    expect(findInputViolation({ s: 'a\u001bb' })?.message).toBe('$.s contains the control character U+001B');
    expect(findInputViolation({ s: 'a\u007f' })?.message).toBe('$.s contains the control character U+007F');
    expect(findInputViolation({ s: 'a\u0085' })?.message).toBe('$.s contains the control character U+0085');
    // U+00A0 (no-break space) is the first character after the C1 block: allowed.
    expect(findInputViolation({ s: 'a\u00a0b' })).toBeNull();
  });

  it('refuses lone surrogates but keeps surrogate pairs', () => {
    expect(findInputViolation({ lines: [{ variantId: 'ok' }, { variantId: 'x\ud800' }] })).toMatchObject({
      path: '$.lines[1].variantId',
      reason: 'ILL_FORMED_UNICODE',
    });
    expect(findInputViolation({ s: '\udc00x' })?.reason).toBe('ILL_FORMED_UNICODE');
    expect(findInputViolation({ s: 'x\ud83d' })?.reason).toBe('ILL_FORMED_UNICODE');
    expect(findInputViolation({ s: '\ud83d\ude00' })).toBeNull();
  });

  it('checks object keys as well as values, with a printable path', () => {
    expect(findInputViolation({ filter: { 'bad\u0000key': 1 } })).toMatchObject({ path: '$.filter["bad\\u0000key"]', reason: 'CONTROL_CHARACTER' });
  });

  it('caps a string at 10,000 characters', () => {
    expect(findInputViolation({ s: 'x'.repeat(10_000) })).toBeNull();
    expect(findInputViolation({ s: 'x'.repeat(10_001) })).toMatchObject({ path: '$.s', reason: 'STRING_TOO_LONG' });
    expect(findInputViolation({ s: 'x'.repeat(11) }, { maxStringLength: 10 })?.reason).toBe('STRING_TOO_LONG');
  });

  it('allows 10 levels of objects and lists, not 11', () => {
    expect(findInputViolation(nested(10))).toBeNull();
    const deep = findInputViolation(nested(11));
    expect(deep?.reason).toBe('TOO_DEEP');
    expect(deep?.path).toBe(`$${'.a'.repeat(10)}`);
    expect(findInputViolation([[[[[[[[[[[]]]]]]]]]]])?.reason).toBe('TOO_DEEP');
  });

  it('caps the number of values, counting keys', () => {
    // The list plus 9,999 numbers is 10,000 values; one more is too many.
    expect(findInputViolation(Array.from({ length: 9_999 }, () => 1))).toBeNull();
    expect(findInputViolation(Array.from({ length: 10_000 }, () => 1))).toMatchObject({ path: '$[9999]', reason: 'TOO_MANY_VALUES' });
    // An object with 5,000 keys: 1 + 5,000 keys + 5,000 values.
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
    expect(findInputViolation(wide)?.reason).toBe('TOO_MANY_VALUES');
  });

  it('leaves numbers, booleans and null to GraphQL and names the root it is given', () => {
    expect(findInputViolation({ n: -1e300, b: false, z: null })).toBeNull();
    expect(findInputViolation('a\u0000', {}, 'slug')).toMatchObject({ path: 'slug', reason: 'CONTROL_CHARACTER' });
  });
});
