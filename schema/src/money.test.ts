import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { MinorUnitsScalar, divRound, minorDigits } from './money.ts';

describe('MinorUnits', () => {
  it('carries amounts past GraphQL Int (2^31) up to 2^53-1 as JSON numbers', () => {
    expect(MinorUnitsScalar.serialize(3_000_000_000n)).toBe(3_000_000_000);
    expect(MinorUnitsScalar.serialize(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses an amount beyond 2^53-1 as the caller’s error, never a float', () => {
    try {
      MinorUnitsScalar.serialize(2n ** 60n);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GraphQLError);
      expect((err as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(() => MinorUnitsScalar.serialize(12.5)).toThrow();
    expect(() => MinorUnitsScalar.parseValue(12.5)).toThrow(/integer/);
  });
});

describe('the one rounding rule', () => {
  it('rounds half away from zero in integer arithmetic', () => {
    expect(divRound(5n, 2n)).toBe(3n);
    expect(divRound(-5n, 2n)).toBe(-3n);
    expect(divRound(4n, 3n)).toBe(1n);
    expect(divRound(10n ** 20n + 1n, 2n)).toBe(5n * 10n ** 19n + 1n);
  });

  it('knows 0-, 2- and 3-decimal currencies', () => {
    expect([minorDigits('JPY'), minorDigits('EUR'), minorDigits('KWD')]).toEqual([0, 2, 3]);
  });
});
