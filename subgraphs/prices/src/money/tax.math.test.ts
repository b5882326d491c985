import { describe, expect, it } from 'vitest';
import { allocate } from './allocation.math.ts';
import { splitTax, toTaxBasis } from './tax.math.ts';

describe('the tax rule', () => {
  it('takes 19% German VAT out of a gross price', () => {
    // 149.00 gross: tax = 149.00 x 19/119 = 23.789... -> 23.79, net 125.21
    expect(splitTax(14_900n, 1900, true)).toEqual({ net: 12_521n, tax: 2_379n, gross: 14_900n });
  });

  it('adds 19% to a net trade price', () => {
    expect(splitTax(12_521n, 1900, false)).toEqual({ net: 12_521n, tax: 2_379n, gross: 14_900n });
  });

  it('moves a gross unit price to net and back to the same gross', () => {
    const net = toTaxBasis(14_900n, 1900, true, false);
    expect(net).toBe(12_521n);
    expect(toTaxBasis(net, 1900, false, true)).toBe(14_900n);
  });

  it('zero-rates to net = gross', () => {
    expect(splitTax(999n, 0, true)).toEqual({ net: 999n, tax: 0n, gross: 999n });
  });
});

describe('allocating a cart discount over lines', () => {
  it('always sums to the total and never gives a line more than its weight', () => {
    const parts = allocate(100n, [333n, 333n, 334n]);
    expect(parts.reduce((s, p) => s + p, 0n)).toBe(100n);
    expect(parts).toEqual([33n, 33n, 34n]);
    expect(allocate(7n, [1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n])).toEqual([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
    expect(allocate(0n, [5n, 5n])).toEqual([0n, 0n]);
  });
});
