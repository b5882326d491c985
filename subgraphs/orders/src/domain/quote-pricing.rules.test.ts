import { describe, expect, it } from 'vitest';
import type { CartQuote } from '../clients/prices.client.ts';
import { pinQuotedPrices } from './quote-pricing.rules.ts';

const line = (variantId: string, quantity: number, unit: number, taxRateBp: number) => ({
  variantId,
  sku: variantId.toUpperCase(),
  quantity,
  unit,
  subtotal: unit * quantity,
  discount: 0,
  total: unit * quantity,
  tax: 0,
  taxRateBp,
});

const base = (taxIncluded: boolean, shipping: CartQuote['shipping']): CartQuote => ({
  __typename: 'Quote',
  currency: 'EUR',
  taxIncluded,
  lines: [line('a', 3, 10_000, 1900), line('b', 1, 5_000, 700)],
  promotionIds: ['promo'],
  rejectedCoupons: [],
  shipping,
  subtotal: 35_000,
  discountTotal: 1_000,
  tax: 0,
  total: 0,
});

describe('pinQuotedPrices', () => {
  it('charges the quoted units net, taxing each line once (tax-exclusive channel)', () => {
    // a: 3 x 83.33 = 249.99, VAT 19 % = 47.4981 -> 47.50; b: 1 x 41.11, VAT 7 % = 2.8777 -> 2.88.
    // Shipping 4.90 net + 0.93 VAT. Total 249.99 + 47.50 + 41.11 + 2.88 + 4.90 + 0.93 = 347.31.
    const pinned = pinQuotedPrices(
      base(false, { method: 'standard', amount: 490, tax: 93 }),
      new Map([
        ['a', 8333],
        ['b', 4111],
      ]),
    )!;
    expect(pinned.lines.map((l) => [l.variantId, l.unit, l.total, l.tax, l.discount])).toEqual([
      ['a', 8333, 24_999, 4750, 0],
      ['b', 4111, 4111, 288, 0],
    ]);
    expect([pinned.subtotal, pinned.discountTotal, pinned.tax, pinned.total]).toEqual([29_110, 0, 5131, 34_731]);
    expect(pinned.promotionIds).toEqual([]);
  });

  it('takes the tax out of gross units (tax-inclusive channel)', () => {
    // a: 3 x 119.00 = 357.00, VAT in it 357.00 x 19 / 119 = 57.00; b: 10.70, VAT in it 0.70. No shipping.
    const pinned = pinQuotedPrices(
      base(true, null),
      new Map([
        ['a', 11_900],
        ['b', 1070],
      ]),
    )!;
    expect([pinned.subtotal, pinned.tax, pinned.total]).toEqual([36_770, 5770, 36_770]);
  });

  it('refuses a cart whose lines are not the quoted ones', () => {
    expect(pinQuotedPrices(base(false, null), new Map([['a', 1]]))).toBeNull();
    expect(
      pinQuotedPrices(
        base(false, null),
        new Map([
          ['a', 1],
          ['c', 1],
        ]),
      ),
    ).toBeNull();
  });
});
