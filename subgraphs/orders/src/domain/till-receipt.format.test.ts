import { describe, expect, it } from 'vitest';
import { formatMinor, receiptText } from './till-receipt.format.ts';

describe('receipt text', () => {
  it('writes minor units in the currency’s own decimals', () => {
    expect([formatMinor(4760, 'EUR'), formatMinor(5, 'EUR'), formatMinor(500, 'JPY'), formatMinor(1234, 'KWD'), formatMinor(-240, 'EUR')]).toEqual([
      '47.60',
      '0.05',
      '500',
      '1.234',
      '-2.40',
    ]);
  });

  it('prints lines, total, tax, tenders and change in 40 columns', () => {
    const text = receiptText({
      receiptNumber: 'POS-BERLIN-000042',
      channel: 'pos-berlin',
      locationId: 'loc_berlin_shop',
      tillId: 'till_1',
      cashierId: 'tst_1',
      soldAt: '2026-11-30T08:30:00.000Z',
      currency: 'EUR',
      taxIncluded: true,
      lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 2380, discount: 0, lineTotal: 4760 }],
      subtotal: 4760,
      discountTotal: 0,
      tax: 760,
      total: 4760,
      tenders: [{ method: 'CASH', amount: 5000 }],
      change: 240,
    });
    expect(text.split('\n')).toEqual([
      'Receipt POS-BERLIN-000042',
      'pos-berlin loc_berlin_shop',
      '2026-11-30 08:30:00 UTC',
      'Till till_1',
      '----------------------------------------',
      'SKU-1                              47.60',
      '  2 x 23.80',
      '----------------------------------------',
      'TOTAL EUR                          47.60',
      'incl. tax                           7.60',
      'CASH                               50.00',
      'CHANGE                              2.40',
      '',
    ]);
  });
});
