import { describe, expect, it } from 'vitest';
import { splitRefund } from './till-refund-tenders.rules.ts';

describe('splitRefund', () => {
  it('pays a cash sale back in cash', () => {
    // Sold 46.60 for 50.00 cash with 3.40 change: 46.60 in the drawer; a 23.30 refund is all cash.
    expect(splitRefund(2330, { tenders: [{ method: 'CASH', amount: 5000 }], cashTaken: 4660 }, [])).toEqual([
      { method: 'CASH', amount: 2330, providerRef: null },
    ]);
  });

  it('pays the card first, then cash, in a split sale', () => {
    // 23.80 paid 10.00 card + 13.80 cash kept: the whole refund is 10.00 to the card and 13.80 cash.
    const sale = {
      tenders: [
        { method: 'CARD' as const, amount: 1000, providerRef: 'p1' },
        { method: 'CASH' as const, amount: 2000 },
      ],
      cashTaken: 1380,
    };
    expect(splitRefund(2380, sale, [])).toEqual([
      { method: 'CARD', amount: 1000, providerRef: 'p1' },
      { method: 'CASH', amount: 1380, providerRef: null },
    ]);
  });

  it('counts what earlier returns put back on each tender', () => {
    // The card (10.00) already had 6.00 back: 4.00 more to it, then 3.00 cash.
    const sale = {
      tenders: [
        { method: 'CARD' as const, amount: 1000, providerRef: 'p1' },
        { method: 'CASH' as const, amount: 2000 },
      ],
      cashTaken: 1380,
    };
    expect(splitRefund(700, sale, [{ method: 'CARD', amount: 600, providerRef: 'p1' }])).toEqual([
      { method: 'CARD', amount: 400, providerRef: 'p1' },
      { method: 'CASH', amount: 300, providerRef: null },
    ]);
  });

  it('refuses to refund more than the tenders paid', () => {
    expect(() => splitRefund(101, { tenders: [{ method: 'CASH', amount: 100 }], cashTaken: 100 }, [])).toThrow(RangeError);
  });
});
