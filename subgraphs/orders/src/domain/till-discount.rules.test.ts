import { describe, expect, it } from 'vitest';
import { applyManualDiscounts, DEFAULT_TILL_DISCOUNT_POLICY, discountThreshold, needsManagerApproval, spread } from './till-discount.rules.ts';

// Two gross lines at 19 % VAT: 47.60 (tax 7.60) and 10.00 (tax 1.60).
const lines = [
  { id: 'a', total: 4760, tax: 760, taxRateBp: 1900 },
  { id: 'b', total: 1000, tax: 160, taxRateBp: 1900 },
];

describe('manual discounts at the till', () => {
  it('takes an amount off a line and recomputes only that line’s tax', () => {
    const r = applyManualDiscounts(lines, [{ amount: 760 }, null], null, true);
    // 47.60 - 7.60 = 40.00; VAT in it 40.00 x 19 / 119 = 6.386... -> 6.39.
    expect(r).toEqual({
      ok: true,
      before: 5760,
      manualDiscount: 760,
      lines: [
        { id: 'a', total: 4000, tax: 639, taxRateBp: 1900, manualDiscount: 760 },
        { id: 'b', total: 1000, tax: 160, taxRateBp: 1900, manualDiscount: 0 },
      ],
    });
  });

  it('spreads a sale percentage over the lines in proportion, to the unit', () => {
    // 10 % of 57.60 = 5.76: 47.60/57.60 of it = 4.76, 10.00/57.60 of it = 1.00.
    const r = applyManualDiscounts(lines, [], { percentBasisPoints: 1000 }, true);
    expect(r.ok && r.lines.map((l) => [l.total, l.manualDiscount])).toEqual([
      [4284, 476],
      [900, 100],
    ]);
    expect(r.ok && r.manualDiscount).toBe(576);
  });

  it('takes the sale discount from what the line discounts left', () => {
    // Line b loses 50 % (5.00); the sale then 1.00 of the 52.60 left, in proportion:
    const r = applyManualDiscounts(lines, [null, { percentBasisPoints: 5000 }], { amount: 100 }, true);
    // 100 x 4760 / 5260 = 90.49 -> 90 (rest .49); 100 x 500 / 5260 = 9.51 -> 9 (rest .51): the last unit goes to b.
    expect(r.ok && r.lines.map((l) => l.manualDiscount)).toEqual([90, 510]);
    expect(r.ok && r.manualDiscount).toBe(600);
  });

  it('refuses a discount above the line or the sale, naming which', () => {
    expect(applyManualDiscounts(lines, [null, { amount: 1001 }], null, true)).toMatchObject({ ok: false, reason: 'EXCEEDS_LINE_TOTAL', line: 1 });
    expect(applyManualDiscounts(lines, [], { amount: 5761 }, true)).toMatchObject({ ok: false, reason: 'EXCEEDS_SALE_TOTAL', line: null });
    // The whole sale given away is allowed (it is the manager's call, not a bug).
    expect(applyManualDiscounts(lines, [], { percentBasisPoints: 10_000 }, true)).toMatchObject({ ok: true, manualDiscount: 5760 });
  });

  it('adds tax on top of a net line after the discount when prices exclude tax', () => {
    // Net 100.00 at 19 %: 10.00 off leaves 90.00, tax 17.10.
    const r = applyManualDiscounts([{ total: 10_000, tax: 1900, taxRateBp: 1900 }], [{ amount: 1000 }], null, false);
    expect(r.ok && r.lines[0]).toEqual({ total: 9000, tax: 1710, taxRateBp: 1900, manualDiscount: 1000 });
  });

  it('spreads to the unit with shares never above their weight', () => {
    expect(spread(7, [1, 1, 1])).toEqual([3, 2, 2]);
    expect(spread(3, [1, 1, 1])).toEqual([1, 1, 1]);
    expect(spread(0, [5, 5])).toEqual([0, 0]);
  });
});

describe('the manager threshold', () => {
  it('lets a cashier take 10 % alone by default, and asks a manager for a unit more', () => {
    // 10 % of 57.60 = 5.76.
    expect(discountThreshold(DEFAULT_TILL_DISCOUNT_POLICY, 5760)).toBe(576);
    expect(needsManagerApproval(DEFAULT_TILL_DISCOUNT_POLICY, 5760, 576)).toBe(false);
    expect(needsManagerApproval(DEFAULT_TILL_DISCOUNT_POLICY, 5760, 577)).toBe(true);
  });

  it('rounds the share down and caps it by the amount when one is set', () => {
    // 5 % of 9.99 = 0.4995 -> 0.49; capped at 2.00 the share of 100.00 (5.00) becomes 2.00.
    expect(discountThreshold({ maxPercentBasisPoints: 500, maxAmount: null }, 999)).toBe(49);
    expect(discountThreshold({ maxPercentBasisPoints: 500, maxAmount: 200 }, 10_000)).toBe(200);
    expect(needsManagerApproval({ maxPercentBasisPoints: 0, maxAmount: null }, 10_000, 1)).toBe(true);
    expect(needsManagerApproval({ maxPercentBasisPoints: 0, maxAmount: null }, 10_000, 0)).toBe(false);
  });
});
