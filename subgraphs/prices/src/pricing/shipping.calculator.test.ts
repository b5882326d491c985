import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaxCategory } from '../loaders/settings.loaders.ts';
import { addShipping, computeQuote, type PricedLine } from './quote.calculator.ts';
import { priceShipping, type ShippingCart } from './shipping.calculator.ts';
import type { ShippingMethodRule } from './shipping-method.types.ts';

const method = (m: Partial<ShippingMethodRule> & Pick<ShippingMethodRule, 'code' | 'kind'>): ShippingMethodRule => ({
  name: m.code,
  currency: 'EUR',
  amount: null,
  freeFrom: null,
  weightBands: null,
  taxCategory: 'STANDARD',
  countries: [],
  ...m,
});
const cart = (c: Partial<ShippingCart> = {}): ShippingCart => ({
  currency: 'EUR',
  country: 'DE',
  goodsTotal: 0n,
  weightGrams: 0n,
  taxIncluded: true,
  ...c,
});
const DE = new Map<TaxCategory, number>([
  ['STANDARD', 1900],
  ['REDUCED', 700],
  ['ZERO', 0],
]);

const flat = method({ code: 'express', kind: 'FLAT', amount: 1290n });
const standard = method({ code: 'standard', kind: 'FREE_ABOVE', amount: 490n, freeFrom: 5000n });
const bands = method({
  code: 'freight',
  kind: 'WEIGHT_BANDS',
  weightBands: [
    { upToGrams: 2000, amount: 590n },
    { upToGrams: 10_000, amount: 1290n },
  ],
});

describe('a flat shipping amount, taxed like a line', () => {
  it('takes 19% VAT out of 4.90 in a tax-inclusive channel', () => {
    // 490 x 1900 / 11900 = 78.24 -> 78 tax, net 490 - 78 = 412.
    expect(priceShipping('standard', standard, cart(), DE)).toMatchObject({ kind: 'charged', amount: 490n, net: 412n, tax: 78n, gross: 490n, taxRateBp: 1900 });
  });

  it('adds 19% VAT on top of 12.90 in a tax-exclusive channel', () => {
    // 1290 x 0.19 = 245.1 -> 245 tax, gross 1290 + 245 = 1535.
    expect(priceShipping('express', flat, cart({ taxIncluded: false }), DE)).toMatchObject({ amount: 1290n, net: 1290n, tax: 245n, gross: 1535n });
  });

  it('uses the rate of the method’s own tax category', () => {
    // 1290 x 700 / 10700 = 84.39 -> 84 tax, net 1206.
    const reduced = { ...flat, taxCategory: 'REDUCED' as const };
    expect(priceShipping('express', reduced, cart(), DE)).toMatchObject({ taxCategory: 'REDUCED', taxRateBp: 700, net: 1206n, tax: 84n, gross: 1290n });
  });

  it('charges whole yen in a 0-decimal currency', () => {
    // ¥800 including 10% Japanese consumption tax: 800 x 1000 / 11000 = 72.7 -> 73 tax, net 727.
    const jp = method({ code: 'jp', kind: 'FLAT', amount: 800n, currency: 'JPY' });
    const rates = new Map<TaxCategory, number>([['STANDARD', 1000]]);
    expect(priceShipping('jp', jp, cart({ currency: 'JPY', country: 'JP' }), rates)).toMatchObject({ net: 727n, tax: 73n, gross: 800n });
  });

  it('charges pickup nothing, with a zero tax split', () => {
    const pickup = method({ code: 'pickup', kind: 'PICKUP', amount: 0n });
    expect(priceShipping('pickup', pickup, cart({ goodsTotal: 1n }), DE)).toMatchObject({ amount: 0n, net: 0n, tax: 0n, gross: 0n });
  });
});

describe('free shipping from a threshold', () => {
  it('charges one minor unit below the threshold and nothing at it or above', () => {
    expect(priceShipping('standard', standard, cart({ goodsTotal: 4999n }), DE)).toMatchObject({ amount: 490n });
    expect(priceShipping('standard', standard, cart({ goodsTotal: 5000n }), DE)).toMatchObject({ amount: 0n, net: 0n, tax: 0n, gross: 0n });
    expect(priceShipping('standard', standard, cart({ goodsTotal: 5001n }), DE)).toMatchObject({ amount: 0n });
  });
});

describe('weight bands', () => {
  it('charges the first band whose upper bound the weight does not exceed, edges included', () => {
    const at = (grams: bigint) => priceShipping('freight', bands, cart({ weightGrams: grams }), DE);
    expect(at(0n)).toMatchObject({ amount: 590n });
    expect(at(2000n)).toMatchObject({ amount: 590n });
    expect(at(2001n)).toMatchObject({ amount: 1290n });
    expect(at(10_000n)).toMatchObject({ amount: 1290n });
  });

  it('cannot take a cart above the last band', () => {
    expect(priceShipping('freight', bands, cart({ weightGrams: 10_001n }), DE)).toMatchObject({ kind: 'unavailable', code: 'freight', reason: 'TOO_HEAVY' });
  });
});

describe('when a method cannot take the cart', () => {
  it('says why: unknown code, destination, currency, tax rate', () => {
    expect(priceShipping('nope', undefined, cart(), DE)).toMatchObject({ kind: 'unavailable', code: 'nope', reason: 'UNKNOWN_METHOD' });
    const domestic = { ...flat, countries: ['DE'] };
    expect(priceShipping('express', domestic, cart({ country: 'AT' }), DE)).toMatchObject({ reason: 'COUNTRY_NOT_SERVED' });
    expect(priceShipping('express', domestic, cart({ country: 'DE' }), DE)).toMatchObject({ kind: 'charged' });
    expect(priceShipping('express', flat, cart({ currency: 'USD' }), DE)).toMatchObject({ reason: 'CURRENCY_MISMATCH' });
    expect(priceShipping('express', flat, cart(), new Map())).toMatchObject({ reason: 'NO_TAX_RATE' });
  });
});

describe('shipping in the quote totals', () => {
  const line = (variantId: string, unit: bigint, taxRateBp: number, taxCategory: string): PricedLine => ({
    variantId,
    quantity: 1,
    unit,
    categoryIds: [],
    taxRateBp,
    taxCategory,
  });

  it('joins the tax line of its rate and every total, never the subtotal', () => {
    // Goods: 25.00 at 19% (tax 2500 x 1900 / 11900 = 399.16 -> 399) and 10.70 at 7% (1070 x 700 / 10700 = 70).
    // Shipping 4.90 at 19%: tax 78, net 412.
    const goods = computeQuote([line('a', 2500n, 1900, 'STANDARD'), line('b', 1070n, 700, 'REDUCED')], [], true);
    const q = addShipping(goods, { taxCategory: 'STANDARD', taxRateBp: 1900, net: 412n, tax: 78n, gross: 490n });
    expect(q.taxLines).toEqual([
      { taxCategory: 'STANDARD', rateBp: 1900, net: 2101n + 412n, tax: 399n + 78n },
      { taxCategory: 'REDUCED', rateBp: 700, net: 1000n, tax: 70n },
    ]);
    expect({ subtotal: q.subtotal, net: q.net, tax: q.tax, gross: q.gross, total: q.total }).toEqual({
      subtotal: 3570n,
      net: 2101n + 1000n + 412n,
      tax: 399n + 70n + 78n,
      gross: 3570n + 490n,
      total: 4060n,
    });
  });

  it('keeps net + tax = gross = total for any cart and any shipping charge (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ unit: fc.bigInt({ min: 0n, max: 10n ** 9n }), bp: fc.constantFrom(0, 700, 1900, 2000) }), { minLength: 1, maxLength: 8 }),
        fc.bigInt({ min: 0n, max: 10n ** 7n }),
        fc.constantFrom(0, 700, 1900, 2000),
        fc.boolean(),
        (lines, amount, bp, taxIncluded) => {
          const goods = computeQuote(
            lines.map((l, i) => line(`v${i}`, l.unit, l.bp, 'STANDARD')),
            [],
            taxIncluded,
          );
          const charge = priceShipping('m', method({ code: 'm', kind: 'FLAT', amount }), cart({ taxIncluded }), new Map([['STANDARD', bp]]));
          if (charge.kind !== 'charged') throw new Error('a flat method always charges');
          const q = addShipping(goods, charge);
          expect(q.net + q.tax).toBe(q.gross);
          expect(q.total).toBe(q.gross);
          expect(q.taxLines.reduce((s, t) => s + t.tax, 0n)).toBe(q.tax);
          expect(q.taxLines.reduce((s, t) => s + t.net, 0n)).toBe(q.net);
          expect(q.gross).toBe(goods.gross + charge.gross);
        },
      ),
    );
  });
});
