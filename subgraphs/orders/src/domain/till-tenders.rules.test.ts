import { describe, expect, it } from 'vitest';
import { checkTenders } from './till-tenders.rules.ts';

describe('checkTenders', () => {
  it('gives change from cash: 50.00 cash for 47.60 leaves 2.40 change and 47.60 in the drawer', () => {
    expect(checkTenders(4760, [{ method: 'CASH', amount: 5000 }])).toEqual({ ok: true, cashTaken: 4760, cardTaken: 0, creditTaken: 0, change: 240 });
  });

  it('splits: 20.00 card and 30.00 cash for 47.60 leaves 2.40 change and 27.60 cash kept', () => {
    expect(
      checkTenders(4760, [
        { method: 'CARD', amount: 2000 },
        { method: 'CASH', amount: 3000 },
      ]),
    ).toEqual({ ok: true, cashTaken: 2760, cardTaken: 2000, creditTaken: 0, change: 240 });
  });

  it('refuses tenders short of the total, a card over it, and change a card would have to pay', () => {
    expect(checkTenders(4760, [{ method: 'CASH', amount: 4759 }])).toMatchObject({ ok: false, reason: 'SHORT' });
    expect(checkTenders(4760, [{ method: 'CARD', amount: 4761 }])).toMatchObject({ ok: false, reason: 'CARD_OVER_TOTAL' });
    // 40.00 + 10.00 by card and 0.00 cash: the total is covered by cards alone only up to 47.60.
    expect(
      checkTenders(4760, [
        { method: 'CARD', amount: 4000 },
        { method: 'CARD', amount: 1000 },
      ]),
    ).toMatchObject({ ok: false, reason: 'CARD_OVER_TOTAL' });
    // 47.00 card and 1.00 cash: 0.40 change out of 1.00 cash is fine.
    expect(
      checkTenders(4760, [
        { method: 'CARD', amount: 4700 },
        { method: 'CASH', amount: 100 },
      ]),
    ).toEqual({ ok: true, cashTaken: 60, cardTaken: 4700, creditTaken: 0, change: 40 });
  });

  it('takes store credit like a card: no change from it, never more than the total', () => {
    // 30.00 credit and 20.00 cash for 47.60: 2.40 change, out of the cash.
    expect(
      checkTenders(4760, [
        { method: 'STORE_CREDIT', amount: 3000 },
        { method: 'CASH', amount: 2000 },
      ]),
    ).toEqual({ ok: true, cashTaken: 1760, cardTaken: 0, creditTaken: 3000, change: 240 });
    // 40.00 credit and 10.00 card for 47.60: 2.40 over the total, and neither gives change.
    expect(
      checkTenders(4760, [
        { method: 'STORE_CREDIT', amount: 4000 },
        { method: 'CARD', amount: 1000 },
      ]),
    ).toMatchObject({ ok: false, reason: 'CARD_OVER_TOTAL' });
  });
});
