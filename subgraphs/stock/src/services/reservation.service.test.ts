import { describe, expect, it } from 'vitest';
import { normaliseReservation, requestHash } from '../domain/reservation-input.rules.ts';

const input = (lines: { variantId: string; quantity: number }[], ttlSeconds = 900) => ({ idempotencyKey: 'k', lines, ttlSeconds });

describe('reservation input', () => {
  it('merges lines naming the same variant and sorts them by variant id', () => {
    const out = normaliseReservation(
      input([
        { variantId: 'b', quantity: 1 },
        { variantId: 'a', quantity: 2 },
        { variantId: 'b', quantity: 3 },
      ]),
    );
    expect(out.lines).toEqual([
      ['a', 2],
      ['b', 4],
    ]);
  });

  it('hashes the merged request, so a split retry is the same request and another TTL is not', () => {
    const split = normaliseReservation(
      input([
        { variantId: 'a', quantity: 1 },
        { variantId: 'a', quantity: 1 },
      ]),
    );
    const merged = normaliseReservation(input([{ variantId: 'a', quantity: 2 }]));
    expect(requestHash(split.lines, split.ttlSeconds)).toBe(requestHash(merged.lines, merged.ttlSeconds));
    expect(requestHash(merged.lines, 60)).not.toBe(requestHash(merged.lines, 900));
  });

  it.each([
    ['a zero quantity', input([{ variantId: 'a', quantity: 0 }])],
    ['a fractional quantity', input([{ variantId: 'a', quantity: 1.5 }])],
    ['no lines', input([])],
    ['5,001 lines', input(Array.from({ length: 5001 }, () => ({ variantId: 'a', quantity: 1 })))],
    ['a TTL of 0', input([{ variantId: 'a', quantity: 1 }], 0)],
    [
      'lines of one variant adding up past the limit',
      input([
        { variantId: 'a', quantity: 100_000 },
        { variantId: 'a', quantity: 1 },
      ]),
    ],
  ])('refuses %s as BAD_USER_INPUT', (_name, bad) => {
    expect(() => normaliseReservation(bad)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
  });
});
