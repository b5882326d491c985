import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeRefund, DEFAULT_RETURN_POLICY, type PaidOrder, type ReturnPolicy } from './refund.calculator.ts';

const policy = (over: Partial<ReturnPolicy> = {}): ReturnPolicy => ({ ...DEFAULT_RETURN_POLICY, ...over });
const none = new Map<number, number>();

// Two lines bought with 20 % off the subtotal, tax included (19 %), 4.90 shipping:
// line 1: 3 x 10.00 = 30.00, 20 % off = 6.00 -> 24.00 paid (tax in it 24.00 x 19 / 119 = 3.83)
// line 2: 1 x 15.00 = 15.00, 20 % off = 3.00 -> 12.00 paid (tax 1.92)
// total 24.00 + 12.00 + 4.90 = 40.90
const gross: PaidOrder = {
  taxIncluded: true,
  total: 4090,
  lines: [
    { lineNo: 1, quantity: 3, lineTotal: 2400, tax: 383 },
    { lineNo: 2, quantity: 1, lineTotal: 1200, tax: 192 },
  ],
};

describe('computeRefund', () => {
  it('refunds what a unit cost after the promotion, not its list price', () => {
    // one of line 1: 24.00 / 3 = 8.00 (not 10.00)
    const r = computeRefund({ order: gross, returnedBefore: none, refundedBefore: 0, returning: [{ lineNo: 1, quantity: 1 }], policy: policy() });
    expect(r).toEqual({ goods: 800, restockingFee: 0, shipping: 0, amount: 800, lines: [{ lineNo: 1, quantity: 1, amount: 800 }], wholeOrder: false });
  });

  it('adds the tax of a net-priced line, and cuts a line whose total does not divide evenly so its units add up', () => {
    // trade: 3 units for 10.00 net, tax 1.90 -> 11.90 paid; 11.90 / 3: floor(1190/3) = 396, then 793 - 396 = 397, 1190 - 793 = 397
    const net: PaidOrder = { taxIncluded: false, total: 1190, lines: [{ lineNo: 1, quantity: 3, lineTotal: 1000, tax: 190 }] };
    const first = computeRefund({ order: net, returnedBefore: none, refundedBefore: 0, returning: [{ lineNo: 1, quantity: 1 }], policy: policy() });
    expect(first.amount).toBe(396);
    const rest = computeRefund({
      order: net,
      returnedBefore: new Map([[1, 1]]),
      refundedBefore: 396,
      returning: [{ lineNo: 1, quantity: 2 }],
      policy: policy(),
    });
    expect(rest.amount).toBe(794);
    expect(first.amount + rest.amount).toBe(1190);
  });

  it('refunds shipping with the last unit of the order only, under WHOLE_ORDER, and never under NEVER', () => {
    const before = new Map([[1, 3]]);
    // line 2's 12.00 + shipping 4.90 = 16.90
    const last = computeRefund({ order: gross, returnedBefore: before, refundedBefore: 2400, returning: [{ lineNo: 2, quantity: 1 }], policy: policy() });
    expect([last.goods, last.shipping, last.amount, last.wholeOrder]).toEqual([1200, 490, 1690, true]);
    const never = computeRefund({
      order: gross,
      returnedBefore: before,
      refundedBefore: 2400,
      returning: [{ lineNo: 2, quantity: 1 }],
      policy: policy({ shippingRefund: 'NEVER' }),
    });
    expect([never.shipping, never.amount]).toEqual([0, 1200]);
  });

  it('takes the restocking fee per return: a percentage half up, or a fixed amount never above the goods', () => {
    const two = [{ lineNo: 1, quantity: 2 }];
    // 2 units: floor(2400 x 2 / 3) = 1600; 12.5 % of 16.00 = 2.00
    const pct = computeRefund({
      order: gross,
      returnedBefore: none,
      refundedBefore: 0,
      returning: two,
      policy: policy({ restockingFee: { kind: 'PERCENT', value: 1250 } }),
    });
    expect([pct.goods, pct.restockingFee, pct.amount]).toEqual([1600, 200, 1400]);
    // 3.3 % of 16.00 = 0.528 -> 0.53 (half up)
    const odd = computeRefund({
      order: gross,
      returnedBefore: none,
      refundedBefore: 0,
      returning: two,
      policy: policy({ restockingFee: { kind: 'PERCENT', value: 330 } }),
    });
    expect(odd.restockingFee).toBe(53);
    const fixed = computeRefund({
      order: gross,
      returnedBefore: none,
      refundedBefore: 0,
      returning: two,
      policy: policy({ restockingFee: { kind: 'FIXED', value: 2500 } }),
    });
    expect([fixed.restockingFee, fixed.amount]).toEqual([1600, 0]);
  });

  it('never takes refunds past what was paid', () => {
    // 40.00 refunded already by other means; 0.90 left, the last unit would refund 16.90
    const r = computeRefund({
      order: gross,
      returnedBefore: new Map([[1, 3]]),
      refundedBefore: 4000,
      returning: [{ lineNo: 2, quantity: 1 }],
      policy: policy(),
    });
    expect([r.goods, r.shipping, r.amount]).toEqual([90, 0, 90]);
  });

  it('refuses more units than a line has left to return (a bug in the caller)', () => {
    expect(() =>
      computeRefund({ order: gross, returnedBefore: new Map([[1, 2]]), refundedBefore: 0, returning: [{ lineNo: 1, quantity: 2 }], policy: policy() }),
    ).toThrow(RangeError);
    expect(() => computeRefund({ order: gross, returnedBefore: none, refundedBefore: 0, returning: [{ lineNo: 9, quantity: 1 }], policy: policy() })).toThrow(
      RangeError,
    );
  });
});

/**
 * An order as checkout makes one, built here independently: list prices, a line-level percentage, an
 * order-level discount spread over the lines by line value with the largest remainder (so the shares add up),
 * tax per line, shipping on top.
 */
const orderArb = fc
  .record({
    lines: fc.array(
      fc.record({ unit: fc.integer({ min: 1, max: 500_000 }), quantity: fc.integer({ min: 1, max: 12 }), lineBp: fc.integer({ min: 0, max: 5_000 }) }),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
    orderBp: fc.integer({ min: 0, max: 10_000 }),
    taxBp: fc.constantFrom(0, 700, 1900, 2000),
    taxIncluded: fc.boolean(),
    shipping: fc.integer({ min: 0, max: 5_000 }),
  })
  .map(({ lines, orderBp, taxBp, taxIncluded, shipping }) => {
    const afterLine = lines.map((l) => l.unit * l.quantity - Math.floor((l.unit * l.quantity * l.lineBp) / 10_000));
    const base = afterLine.reduce((s, v) => s + v, 0);
    const orderDiscount = Math.floor((base * orderBp) / 10_000);
    // Largest remainder: floor shares, then one unit each to the largest remainders (ties: earlier line).
    const exact = afterLine.map((v) => (base === 0 ? 0 : (orderDiscount * v) / base));
    const shares = exact.map(Math.floor);
    let left = orderDiscount - shares.reduce((s, v) => s + v, 0);
    for (const i of exact
      .map((e, i) => [e - Math.floor(e), i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .map(([, i]) => i)) {
      if (left-- <= 0) break;
      shares[i]! += 1;
    }
    const paidLines = lines.map((l, i) => {
      const lineTotal = afterLine[i]! - shares[i]!;
      const tax = taxIncluded ? Math.round((lineTotal * taxBp) / (10_000 + taxBp)) : Math.round((lineTotal * taxBp) / 10_000);
      return { lineNo: i + 1, quantity: l.quantity, lineTotal, tax };
    });
    const goodsPaid = paidLines.reduce((s, l) => s + l.lineTotal + (taxIncluded ? 0 : l.tax), 0);
    return { order: { taxIncluded, total: goodsPaid + shipping, lines: paidLines } satisfies PaidOrder, goodsPaid, shipping };
  });

const policyArb = fc.record({
  windowDays: fc.constant(30),
  restockingFee: fc.oneof(
    fc.constant({ kind: 'NONE' as const, value: 0 }),
    fc.record({ kind: fc.constant('PERCENT' as const), value: fc.integer({ min: 0, max: 10_000 }) }),
    fc.record({ kind: fc.constant('FIXED' as const), value: fc.integer({ min: 0, max: 3_000 }) }),
  ),
  shippingRefund: fc.constantFrom('NEVER' as const, 'WHOLE_ORDER' as const),
});

/** Returns in random parts, ending with every unit of every line back (`seed` picks the cuts). */
function returnsOf(order: PaidOrder, seeds: number[]): { lineNo: number; quantity: number }[][] {
  const left = new Map(order.lines.map((l) => [l.lineNo, l.quantity]));
  const out: { lineNo: number; quantity: number }[][] = [];
  let s = 0;
  while ([...left.values()].some((v) => v > 0)) {
    const seed = seeds[s++ % seeds.length]!;
    const part = [...left.entries()]
      .filter(([, v]) => v > 0)
      .filter((_, i) => (seed >> i) % 2 === 0 || s > seeds.length)
      .map(([lineNo, v]) => ({ lineNo, quantity: 1 + (seed % v) }));
    if (part.length === 0) continue;
    for (const p of part) left.set(p.lineNo, left.get(p.lineNo)! - p.quantity);
    out.push(part);
  }
  return out;
}

describe('computeRefund over random orders, promotions and partial returns', () => {
  it('never refunds more than was paid, and a full return refunds exactly what was paid less the fees (and shipping per rule)', () => {
    fc.assert(
      fc.property(
        orderArb,
        policyArb,
        fc.array(fc.nat(1_000), { minLength: 1, maxLength: 5 }),
        fc.nat(5),
        ({ order, goodsPaid, shipping }, p, seeds, stopAfter) => {
          const parts = returnsOf(order, seeds);
          const returned = new Map<number, number>();
          let refunded = 0;
          let fees = 0;
          let shippingRefunded = 0;
          let goods = 0;
          for (const [i, part] of parts.entries()) {
            const r = computeRefund({ order, returnedBefore: returned, refundedBefore: refunded, returning: part, policy: p });
            expect(r.amount).toBeGreaterThanOrEqual(0);
            expect(r.amount).toBe(r.goods - r.restockingFee + r.shipping);
            refunded += r.amount;
            fees += r.restockingFee;
            goods += r.goods;
            shippingRefunded += r.shipping;
            expect(refunded).toBeLessThanOrEqual(order.total);
            for (const l of part) returned.set(l.lineNo, (returned.get(l.lineNo) ?? 0) + l.quantity);
            // A partial stop: what was refunded so far is within what was paid for the units back.
            if (i === stopAfter && i < parts.length - 1) expect(goods).toBeLessThanOrEqual(goodsPaid);
          }
          expect(goods).toBe(goodsPaid);
          expect(shippingRefunded).toBe(p.shippingRefund === 'WHOLE_ORDER' ? shipping : 0);
          expect(refunded).toBe(goodsPaid - fees + (p.shippingRefund === 'WHOLE_ORDER' ? shipping : 0));
        },
      ),
      { numRuns: 500 },
    );
  });
});
