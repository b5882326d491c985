import { describe, expect, it } from 'vitest';
import { checkLines, mergeByVariant, wellFormedLines, type SkuFacts } from './order-line.rules.ts';

const facts = new Map<string, SkuFacts>([
  ['BOLT-6', { variantId: 'v_bolt', packSize: 6, minOrderQuantity: 12, available: 30, backorderRemaining: 0 }],
  ['NUT', { variantId: 'v_nut', packSize: 1, minOrderQuantity: 1, available: 5, backorderRemaining: 4 }],
]);

describe('order line rules', () => {
  it('refuses a malformed SKU or quantity before any look-up', () => {
    const { rows, problems } = wellFormedLines([
      { sku: ' NUT ', quantity: 1 },
      { sku: 'bad sku', quantity: 1 },
      { sku: 'NUT', quantity: 0 },
      { sku: 'NUT', quantity: 10_001 },
      { sku: 'NUT', quantity: 1.5 },
    ]);
    expect(rows).toEqual([{ row: 1, sku: 'NUT', quantity: 1 }]);
    expect(problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'UNKNOWN_SKU'],
      [3, 'INVALID_QUANTITY'],
      [4, 'INVALID_QUANTITY'],
      [5, 'INVALID_QUANTITY'],
    ]);
  });

  it('checks the minimum and the pack size on each row as typed', () => {
    const { good, problems } = checkLines(
      [
        { row: 1, sku: 'BOLT-6', quantity: 6 },
        { row: 2, sku: 'BOLT-6', quantity: 13 },
        { row: 3, sku: 'BOLT-6', quantity: 18 },
        { row: 4, sku: 'GONE', quantity: 1 },
      ],
      facts,
      true,
    );
    expect(problems).toEqual([
      { row: 1, sku: 'BOLT-6', code: 'BELOW_MINIMUM', message: 'at least 12 units a line' },
      { row: 2, sku: 'BOLT-6', code: 'NOT_PACK_MULTIPLE', message: 'sold in packs of 6' },
      { row: 4, sku: 'GONE', code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' },
    ]);
    expect(good).toEqual([{ row: 3, sku: 'BOLT-6', variantId: 'v_bolt', quantity: 18, backordered: 0 }]);
  });

  it('backorders what stock lacks within the backorder room, over the running total per variant', () => {
    // NUT: 5 in stock, 4 more on backorder. Rows 3 + 4 = 7: row 2 takes units 4..7, of which 6 and 7 (2)
    // are beyond stock. Row 3 asks 3 more: 7 + 3 = 10 > 9 -> SHORT_STOCK with 9 - 7 = 2 left. Row 4's 2
    // fits (9): both units beyond stock.
    const rows = [
      { row: 1, sku: 'NUT', quantity: 3 },
      { row: 2, sku: 'NUT', quantity: 4 },
      { row: 3, sku: 'NUT', quantity: 3 },
      { row: 4, sku: 'NUT', quantity: 2 },
    ];
    const { good, problems } = checkLines(rows, facts, true);
    expect(good.map((l) => [l.row, l.backordered])).toEqual([
      [1, 0],
      [2, 2],
      [4, 2],
    ]);
    expect(problems).toEqual([{ row: 3, sku: 'NUT', code: 'SHORT_STOCK', message: 'only 2 more can be ordered now' }]);
    expect(mergeByVariant(good)).toEqual([{ variantId: 'v_nut', quantity: 9 }]);
  });

  it('refuses what stock lacks when the buyer declines backorders', () => {
    const { good, problems } = checkLines([{ row: 1, sku: 'NUT', quantity: 6 }], facts, false);
    expect(good).toEqual([]);
    expect(problems).toEqual([{ row: 1, sku: 'NUT', code: 'SHORT_STOCK', message: 'only 5 more can be ordered now' }]);
  });
});
