import { describe, expect, it } from 'vitest';
import { creditFor, DEFAULT_CREDIT_POLICY, dueDate, type CreditInput } from './credit.rules.ts';

const base: CreditInput = {
  total: 11_900,
  currency: 'EUR',
  terms: { currency: 'EUR', termsDays: 30, creditLimit: 30_000 },
  owed: 0,
  overdue: 0,
  policy: DEFAULT_CREDIT_POLICY,
  approvedOverLimit: false,
};

describe('credit for an order on terms', () => {
  it('allows an order up to exactly what is available', () => {
    // 300.00 limit - 181.00 owed = 119.00 available: an order of 119.00 fits, 119.01 does not.
    expect(creditFor({ ...base, owed: 18_100 })).toEqual({ kind: 'OK', available: 11_900 });
    expect(creditFor({ ...base, owed: 18_100, total: 11_901 })).toEqual({ kind: 'OVER_LIMIT', available: 11_900 });
  });

  it('counts nothing available when the company owes more than its (lowered) limit', () => {
    expect(creditFor({ ...base, owed: 40_000 })).toEqual({ kind: 'OVER_LIMIT', available: 0 });
  });

  it('sends an order beyond the credit to approval when the policy says so, and lets an approved one through', () => {
    const policy = { overLimit: 'APPROVAL' as const, blockWhenOverdue: true };
    expect(creditFor({ ...base, owed: 25_000, policy })).toEqual({ kind: 'NEEDS_APPROVAL', available: 5_000 });
    expect(creditFor({ ...base, owed: 25_000, policy, approvedOverLimit: true })).toEqual({ kind: 'OK', available: 5_000 });
  });

  it('blocks on an overdue invoice unless the policy allows it', () => {
    expect(creditFor({ ...base, owed: 5_000, overdue: 5_000 })).toEqual({ kind: 'OVERDUE', overdue: 5_000 });
    expect(creditFor({ ...base, owed: 5_000, overdue: 5_000, policy: { overLimit: 'REFUSE', blockWhenOverdue: false } })).toEqual({
      kind: 'OK',
      available: 25_000,
    });
  });

  it('gives no terms without them or in another currency', () => {
    expect(creditFor({ ...base, terms: undefined }).kind).toBe('NO_TERMS');
    expect(creditFor({ ...base, currency: 'USD' })).toEqual({ kind: 'NO_TERMS', reason: 'terms are given in EUR, not USD' });
  });

  it('falls due the terms’ days later', () => {
    expect(dueDate(new Date('2026-11-30T10:00:00Z'), 30).toISOString()).toBe('2026-12-30T10:00:00.000Z');
  });
});
