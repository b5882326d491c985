import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minorDigits } from '@storegraph/schema';
import { convertMinor, parseDecimalRate } from '../money/fx.math.ts';
import { toTaxBasis } from '../money/tax.math.ts';
import type { PromotionRule } from './promotion.types.ts';
import { computeQuote, type PricedLine } from './quote.calculator.ts';

const promo = (p: Partial<PromotionRule> & Pick<PromotionRule, 'id' | 'kind' | 'target'>): PromotionRule => ({
  name: p.id,
  variantIds: [],
  categoryIds: [],
  percentBp: null,
  amountOff: null,
  tiers: null,
  couponCode: null,
  stacking: 'COMBINABLE',
  priority: 0,
  ...p,
});
const line = (variantId: string, unit: bigint, quantity: number, extra: Partial<PricedLine> = {}): PricedLine => ({
  variantId,
  quantity,
  unit,
  categoryIds: [],
  taxRateBp: 1900,
  taxCategory: 'STANDARD',
  ...extra,
});

describe('quote arithmetic holds for any cart (property)', () => {
  const rate = fc.constantFrom(0, 500, 550, 700, 1000, 1900, 2000, 2500);
  const arbLine = fc.record({
    // up to 10^9 minor units per unit and 10^4 per line: totals well past 2^31
    /** EUR base price in cents, converted into the cart's currency like the engine does. */
    unit: fc.bigInt({ min: 0n, max: 1_000_000_000n }),
    bookTaxIncluded: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 10_000 }),
    taxRateBp: rate,
    cat: fc.constantFrom('cat_a', 'cat_b'),
  });
  const arbPromo = fc.record({
    kind: fc.constantFrom('PERCENT_OFF', 'AMOUNT_OFF', 'BUY_N' as const),
    target: fc.constantFrom('PRODUCTS', 'CATEGORIES', 'SUBTOTAL' as const),
    bp: fc.integer({ min: 1, max: 10_000 }),
    amount: fc.bigInt({ min: 1n, max: 100_000_000n }),
    stacking: fc.constantFrom('EXCLUSIVE', 'COMBINABLE' as const),
    priority: fc.integer({ min: -5, max: 5 }),
    minQuantity: fc.integer({ min: 1, max: 50 }),
  });

  const RATES: Record<string, bigint> = { JPY: parseDecimalRate('161.5')!, EUR: parseDecimalRate('1')!, KWD: parseDecimalRate('0.3321')! };
  for (const currency of ['JPY', 'EUR', 'KWD']) {
    it(`net + tax = gross per line and lines sum to the totals in ${currency} (${minorDigits(currency)} decimals)`, () => {
      fc.assert(
        fc.property(fc.array(arbLine, { minLength: 1, maxLength: 12 }), fc.array(arbPromo, { maxLength: 4 }), fc.boolean(), (lines, promos, taxIncluded) => {
          const priced = lines.map((l, i) => {
            const unit = toTaxBasis(convertMinor(l.unit, 'EUR', currency, RATES[currency]!), l.taxRateBp, l.bookTaxIncluded, taxIncluded);
            return line(`var_${i}`, unit, l.quantity, { taxRateBp: l.taxRateBp, categoryIds: [l.cat] });
          });
          const rules = promos.map((p, i) =>
            promo({
              id: `p${i}`,
              kind: p.kind,
              target: p.target,
              percentBp: p.bp,
              amountOff: p.amount,
              tiers: [{ minQuantity: p.minQuantity, percentBp: p.bp }],
              variantIds: ['var_0', 'var_2'],
              categoryIds: ['cat_a'],
              stacking: p.stacking,
              priority: p.priority,
            }),
          );
          const q = computeQuote(priced, rules, taxIncluded);
          for (const l of q.lines) {
            expect(typeof l.net).toBe('bigint');
            expect(l.net + l.tax).toBe(l.gross);
            expect(l.total).toBeGreaterThanOrEqual(0n);
            expect(l.subtotal - l.discounts.reduce((s, d) => s + d.amount, 0n)).toBe(l.total);
            expect(taxIncluded ? l.gross : l.net).toBe(l.total);
          }
          const sum = (f: (l: (typeof q.lines)[number]) => bigint) => q.lines.reduce((s, l) => s + f(l), 0n);
          expect(sum((l) => l.gross)).toBe(q.total);
          expect(sum((l) => l.net)).toBe(q.net);
          expect(sum((l) => l.tax)).toBe(q.tax);
          expect(q.net + q.tax).toBe(q.gross);
          expect(q.subtotal - q.discountTotal).toBe(sum((l) => l.total));
          expect(q.taxLines.reduce((s, t) => s + t.tax, 0n)).toBe(q.tax);
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('promotion stacking', () => {
  const cart = [line('var_a', 10_000n, 1, { categoryIds: ['cat_jackets'] }), line('var_b', 5_000n, 2, { categoryIds: ['cat_hats'] })];

  it('applies combinable promotions in priority order, each to what the previous left', () => {
    const q = computeQuote(
      cart,
      [
        promo({ id: 'ten', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBp: 1000, priority: 1 }),
        promo({ id: 'jackets', kind: 'PERCENT_OFF', target: 'CATEGORIES', categoryIds: ['cat_jackets'], percentBp: 2000, priority: 5 }),
      ],
      true,
    );
    // jackets first: 20% of 100.00 = 20.00; then 10% of the remaining 180.00 = 18.00
    expect(q.applied.map((a) => [a.promotion.id, a.amount])).toEqual([
      ['jackets', 2_000n],
      ['ten', 1_800n],
    ]);
    expect(q.total).toBe(16_200n);
  });

  it('lets an exclusive promotion of higher priority stand alone', () => {
    const q = computeQuote(
      cart,
      [
        promo({ id: 'vip', kind: 'AMOUNT_OFF', target: 'SUBTOTAL', amountOff: 3_000n, stacking: 'EXCLUSIVE', priority: 9 }),
        promo({ id: 'ten', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBp: 1000, priority: 1 }),
      ],
      true,
    );
    expect(q.applied.map((a) => a.promotion.id)).toEqual(['vip']);
    expect(q.skipped.map((s) => s.promotion.id)).toEqual(['ten']);
    expect(q.total).toBe(17_000n);
  });

  it('skips an exclusive promotion when a higher-priority combinable one already applied', () => {
    const q = computeQuote(
      cart,
      [
        promo({ id: 'ten', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBp: 1000, priority: 9 }),
        promo({ id: 'vip', kind: 'AMOUNT_OFF', target: 'SUBTOTAL', amountOff: 3_000n, stacking: 'EXCLUSIVE', priority: 1 }),
      ],
      true,
    );
    expect(q.applied.map((a) => a.promotion.id)).toEqual(['ten']);
    expect(q.skipped[0]!.reason).toMatch(/exclusive/);
  });

  it('gives buy-N discounts from the highest tier reached and explains a missed tier', () => {
    const tiers = [
      { minQuantity: 2, percentBp: 1000 },
      { minQuantity: 3, percentBp: 1500 },
    ];
    const hit = computeQuote(cart, [promo({ id: 'multi', kind: 'BUY_N', target: 'SUBTOTAL', tiers })], true);
    expect(hit.applied[0]!.amount).toBe(3_000n); // 3 items: 15% of 200.00
    const miss = computeQuote(
      cart,
      [promo({ id: 'hats', kind: 'BUY_N', target: 'PRODUCTS', variantIds: ['var_b'], tiers: [{ minQuantity: 3, percentBp: 1000 }] })],
      true,
    );
    expect(miss.applied).toEqual([]);
    expect(miss.skipped[0]!.reason).toMatch(/buy 3/);
  });

  it('never discounts a line below zero', () => {
    const q = computeQuote(cart, [promo({ id: 'big', kind: 'AMOUNT_OFF', target: 'PRODUCTS', variantIds: ['var_a'], amountOff: 50_000n })], true);
    expect(q.lines[0]!.total).toBe(0n);
    expect(q.applied[0]!.amount).toBe(10_000n);
  });
});
