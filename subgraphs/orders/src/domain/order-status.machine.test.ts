import { describe, expect, it } from 'vitest';
import { allowedNext, canTransition } from './order-status.machine.ts';

describe('the order life cycle', () => {
  it('moves forward one stage at a time and ends at completed or cancelled', () => {
    expect(canTransition('PLACED', 'PROCESSING')).toBe(true);
    expect(canTransition('PROCESSING', 'PARTIALLY_FULFILLED')).toBe(true);
    expect(canTransition('PARTIALLY_FULFILLED', 'FULFILLED')).toBe(true);
    expect(canTransition('FULFILLED', 'COMPLETED')).toBe(true);
    expect(allowedNext('COMPLETED')).toEqual([]);
    expect(allowedNext('CANCELLED')).toEqual([]);
    // Only received returns move an order there (return-status.machine.ts), and nothing moves it on by hand.
    expect(allowedNext('PARTIALLY_RETURNED')).toEqual([]);
    expect(allowedNext('RETURNED')).toEqual([]);
  });

  it('refuses to skip back, to cancel once goods have left, or to revive a cancelled order', () => {
    expect(canTransition('PROCESSING', 'PLACED')).toBe(false);
    expect(canTransition('PARTIALLY_FULFILLED', 'CANCELLED')).toBe(false);
    expect(canTransition('FULFILLED', 'CANCELLED')).toBe(false);
    expect(canTransition('CANCELLED', 'PLACED')).toBe(false);
    expect(canTransition('PLACED', 'COMPLETED')).toBe(false);
  });
});
