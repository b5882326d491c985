import { describe, expect, it } from 'vitest';
import { allowedReturnNext, countsAgainstShipped, orderStatusFromReturns, returnFromFor } from './return-status.machine.ts';

describe('return status machine', () => {
  it('is decided once, then received once', () => {
    expect(allowedReturnNext('REQUESTED')).toEqual(['APPROVED', 'REJECTED']);
    expect(allowedReturnNext('APPROVED')).toEqual(['RECEIVED']);
    expect(allowedReturnNext('REJECTED')).toEqual([]);
    expect(allowedReturnNext('RECEIVED')).toEqual([]);
  });

  it('gives each move exactly one state to compare and set from', () => {
    expect(returnFromFor('APPROVED')).toEqual(['REQUESTED']);
    expect(returnFromFor('REJECTED')).toEqual(['REQUESTED']);
    expect(returnFromFor('RECEIVED')).toEqual(['APPROVED']);
    expect(returnFromFor('REQUESTED')).toEqual([]);
  });

  it('frees the units of a rejected request only', () => {
    expect(['REQUESTED', 'APPROVED', 'REJECTED', 'RECEIVED'].map((s) => countsAgainstShipped(s as never))).toEqual([true, true, false, true]);
  });

  it('moves the order to partially returned, then returned, and never out of cancelled', () => {
    expect(orderStatusFromReturns('FULFILLED', 5, 0)).toBe('FULFILLED');
    expect(orderStatusFromReturns('FULFILLED', 5, 2)).toBe('PARTIALLY_RETURNED');
    expect(orderStatusFromReturns('PARTIALLY_FULFILLED', 5, 2)).toBe('PARTIALLY_RETURNED');
    expect(orderStatusFromReturns('PARTIALLY_RETURNED', 5, 5)).toBe('RETURNED');
    expect(orderStatusFromReturns('COMPLETED', 3, 3)).toBe('RETURNED');
    expect(orderStatusFromReturns('CANCELLED', 3, 3)).toBe('CANCELLED');
  });
});
