import { describe, expect, it } from 'vitest';
import { valueHoldings } from './stock-value.rules.ts';

describe('valueHoldings', () => {
  it('totals each cost currency apart and lists variants without a cost as unvalued', () => {
    const costs = new Map([
      ['v-a', { amount: 1250, currency: 'EUR' }],
      ['v-b', { amount: 300, currency: 'EUR' }],
      ['v-c', { amount: 999, currency: 'USD' }],
    ]);
    const value = valueHoldings(
      [
        { variantId: 'v-c', units: 2 },
        { variantId: 'v-a', units: 4 },
        { variantId: 'v-z', units: 7 },
        { variantId: 'v-b', units: 10 },
        { variantId: 'v-y', units: 1 },
        { variantId: 'v-gone', units: 0 },
      ],
      costs,
    );
    // EUR: 4 x 12.50 + 10 x 3.00 = 50.00 + 30.00 = 80.00 over 14 units; USD: 2 x 9.99 = 19.98 over 2 units.
    // Unvalued: v-y 1 + v-z 7 = 8 units. All: 14 + 2 + 8 = 24; v-gone holds nothing and is not listed.
    expect(value).toEqual({
      units: 24,
      values: [
        { value: { amount: 8000, currency: 'EUR' }, units: 14 },
        { value: { amount: 1998, currency: 'USD' }, units: 2 },
      ],
      unvaluedUnits: 8,
      unvalued: [
        { variantId: 'v-y', units: 1 },
        { variantId: 'v-z', units: 7 },
      ],
    });
  });

  it('values a cost of 0 at 0, not as unvalued', () => {
    const value = valueHoldings([{ variantId: 'free', units: 3 }], new Map([['free', { amount: 0, currency: 'JPY' }]]));
    expect(value.values).toEqual([{ value: { amount: 0, currency: 'JPY' }, units: 3 }]);
    expect(value.unvalued).toEqual([]);
  });

  it('throws rather than report a total past 2^53 minor units', () => {
    expect(() => valueHoldings([{ variantId: 'x', units: 2_000_000 }], new Map([['x', { amount: 2 ** 52, currency: 'EUR' }]]))).toThrow(RangeError);
  });
});
