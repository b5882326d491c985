import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { data, key } from './checkout-support.ts';
import { balance, eur, issueCredit, movementsOf, onHand, openTill, pos, product, sale, setUpCreditStaff, sql } from './pos-store-credit-support.ts';
import { BERLIN, withContentionSampler } from './stock-support.ts';

/**
 * Store credit spent as a STORE_CREDIT tender at pos-berlin's tills, through the POS BFF by name: never below zero,
 * once when two tills race for it, given back (a RELEASE movement) when the sale's card is declined, and paid back
 * onto the credit when the sale is returned with its receipt.
 */

beforeAll(async () => {
  await setUpCreditStaff('pos-credit-tender-admin');
});

afterAll(async () => {
  await sql.end();
});

describe('store credit as a tender', () => {
  it('is spent down to zero and never below, with cash making up the rest', async () => {
    const { variantId } = await product({ [BERLIN]: 6 });
    const { till, token } = await openTill();
    // Returning 2 units: 2 x 23.80 = 47.60 of credit; Berlin 6 + 2 = 8.
    const code = await issueCredit(token, variantId, 2);

    // 1 unit, 23.80, all on the credit: no change; balance 47.60 - 23.80 = 23.80.
    const one = data(
      await sale(token, {
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(2380),
        tenders: [{ method: 'STORE_CREDIT', amount: 2380, creditCode: code }],
      }),
    ).tillSale;
    expect(one).toMatchObject({ __typename: 'Receipt', total: eur(2380), tenders: [{ method: 'STORE_CREDIT', amount: eur(2380) }], change: eur(0) });
    expect(await balance(token, code)).toMatchObject({ balance: eur(2380) });

    // 2 units, 47.60, all on a credit holding 23.80: refused, nothing sold or held, the balance untouched.
    const short = data(
      await sale(token, {
        lines: [{ variantId, quantity: 2 }],
        expectedTotal: eur(4760),
        tenders: [{ method: 'STORE_CREDIT', amount: 4760, creditCode: code }],
      }),
    ).tillSale;
    expect(short).toEqual({ __typename: 'StoreCreditRefused', reason: 'INSUFFICIENT_BALANCE', message: short.message, balance: eur(2380), tenderIndex: 0 });
    expect(await onHand(variantId)).toEqual({ [BERLIN]: [7, 0] });
    expect(await balance(token, code)).toMatchObject({ balance: eur(2380) });

    // 47.60 as 23.80 credit (lower-case code as typed) and 30.00 cash: 6.20 change from the cash; the credit is spent out.
    const split = data(
      await sale(token, {
        lines: [{ variantId, quantity: 2 }],
        expectedTotal: eur(4760),
        tenders: [
          { method: 'STORE_CREDIT', amount: 2380, creditCode: code.toLowerCase() },
          { method: 'CASH', amount: 3000 },
        ],
      }),
    ).tillSale;
    expect(split).toMatchObject({ __typename: 'Receipt', total: eur(4760), change: eur(620) });
    expect(split.tenders).toEqual([
      { method: 'STORE_CREDIT', amount: eur(2380) },
      { method: 'CASH', amount: eur(3000) },
    ]);
    expect(await balance(token, code)).toMatchObject({ issued: eur(4760), balance: eur(0) });

    // Even 0.01 more is refused; an unknown code is NOT_FOUND; credit is not change for cash.
    const empty = data(
      await sale(token, {
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(2380),
        tenders: [
          { method: 'STORE_CREDIT', amount: 1, creditCode: code },
          { method: 'CASH', amount: 2379 },
        ],
      }),
    ).tillSale;
    expect(empty).toMatchObject({ __typename: 'StoreCreditRefused', reason: 'INSUFFICIENT_BALANCE', balance: eur(0) });
    const unknown = data(
      await sale(token, {
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(2380),
        tenders: [{ method: 'STORE_CREDIT', amount: 2380, creditCode: 'SC-AAAA-BBBB-CCCC-DDDD' }],
      }),
    ).tillSale;
    expect(unknown).toMatchObject({ __typename: 'StoreCreditRefused', reason: 'NOT_FOUND', balance: eur(0) });
    const over = data(
      await sale(token, {
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(2380),
        tenders: [{ method: 'STORE_CREDIT', amount: 3000, creditCode: code }],
      }),
    ).tillSale;
    expect(over).toMatchObject({ __typename: 'TenderRefused', reason: 'CARD_OVER_TOTAL' });
    // 8 - 1 - 2 = 5 on hand; the ledger of the credit: +47.60, -23.80, -23.80.
    expect(await onHand(variantId)).toEqual({ [BERLIN]: [5, 0] });
    expect(await movementsOf(code)).toEqual([
      { kind: 'ISSUE', delta: 4760 },
      { kind: 'SPEND', delta: -2380 },
      { kind: 'SPEND', delta: -2380 },
    ]);
    expect(till.locationId).toBe(BERLIN);
  });

  it('is spent once when two tills spend the same credit at once', async () => {
    // Each round is checked in full; the race runs again on fresh tills and credit (at most three rounds) until
    // the sampler has seen both sales in orders' database at once, as the stock races do.
    const round = async () => {
      const { variantId } = await product({ [BERLIN]: 4 });
      const a = await openTill();
      const b = await openTill();
      // 1 unit back: 23.80 of credit, Berlin 4 + 1 = 5.
      const code = await issueCredit(a.token, variantId, 1);
      const spend = (token: string) =>
        sale(token, { lines: [{ variantId, quantity: 1 }], expectedTotal: eur(2380), tenders: [{ method: 'STORE_CREDIT', amount: 2380, creditCode: code }] });
      const { result, distinctBusy } = await withContentionSampler(() => Promise.all([spend(a.token), spend(b.token)]), 'storegraph-orders');
      const answers = result.map((r) => data(r).tillSale.__typename).sort();
      expect(answers).toEqual(['Receipt', 'StoreCreditRefused']);
      const refused = result.map((r) => data(r).tillSale).find((r) => r.__typename === 'StoreCreditRefused');
      expect(refused).toMatchObject({ reason: 'INSUFFICIENT_BALANCE', balance: eur(0) });
      // One unit sold of 5, nothing left held by the refused sale; one spend on the credit.
      expect(await onHand(variantId)).toEqual({ [BERLIN]: [4, 0] });
      expect(await balance(a.token, code)).toMatchObject({ balance: eur(0) });
      expect(await movementsOf(code)).toEqual([
        { kind: 'ISSUE', delta: 2380 },
        { kind: 'SPEND', delta: -2380 },
      ]);
      return distinctBusy;
    };
    let busy = await round();
    for (let again = 0; busy < 2 && again < 2; again++) busy = await round();
    expect(busy).toBeGreaterThanOrEqual(2);
  });

  it('is given back as a RELEASE movement when the sale’s card is declined, and nothing is sold', async () => {
    const { variantId } = await product({ [BERLIN]: 3 });
    const { token } = await openTill();
    // 2 units back: 47.60 of credit; Berlin 3 + 2 = 5.
    const code = await issueCredit(token, variantId, 2);
    // 2 units, 47.60: 20.00 on the credit, 27.60 on a card the provider declines.
    const declined = data(
      await sale(token, {
        lines: [{ variantId, quantity: 2 }],
        expectedTotal: eur(4760),
        tenders: [
          { method: 'STORE_CREDIT', amount: 2000, creditCode: code },
          { method: 'CARD', amount: 2760, cardToken: 'tok_declined' },
        ],
      }),
    ).tillSale;
    expect(declined).toMatchObject({ __typename: 'PaymentDeclined', declineCode: 'generic_decline' });
    // The 20.00 came off and went back: 47.60 - 20.00 + 20.00 = 47.60, the spend kept in the ledger and released.
    expect(await balance(token, code)).toMatchObject({ balance: eur(4760) });
    expect(await movementsOf(code)).toEqual([
      { kind: 'ISSUE', delta: 4760 },
      { kind: 'SPEND', delta: -2000 },
      { kind: 'RELEASE', delta: 2000 },
    ]);
    // No hold left behind for the job, nothing sold: 5 on hand, none reserved.
    const [held] = await sql<{ n: number }[]>`
      select count(*)::int as n from orders.store_credit_holds h join orders.store_credit_movements m on m.id = h.spend_id
      join orders.store_credits c on c.id = m.credit_id where c.code_hash = encode(sha256(convert_to(${code}, 'UTF8')), 'hex')`;
    expect(held!.n).toBe(0);
    expect(await onHand(variantId)).toEqual({ [BERLIN]: [5, 0] });
  });

  it('goes back onto the credit when a sale it paid is returned with the receipt', async () => {
    const { variantId } = await product({ [BERLIN]: 2 });
    const { token } = await openTill();
    const code = await issueCredit(token, variantId, 1);
    const sold = data(
      await sale(token, {
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(2380),
        tenders: [{ method: 'STORE_CREDIT', amount: 2380, creditCode: code }],
      }),
    ).tillSale;
    expect(sold.__typename).toBe('Receipt');
    const back = data(
      await bff(
        'pos',
        'TillReturn',
        { input: { idempotencyKey: key('ret'), receiptNumber: sold.receiptNumber, lines: [{ lineNo: 1, quantity: 1 }] } },
        { token },
      ),
    ).tillReturn;
    // The 23.80 paid by credit goes back to it, not into cash: balance 0 + 23.80.
    expect(back).toMatchObject({ __typename: 'TillReturnReceipt', total: eur(2380), refunds: [{ method: 'STORE_CREDIT', amount: eur(2380) }] });
    expect(await balance(token, code)).toMatchObject({ balance: eur(2380) });
    expect((await movementsOf(code)).map((m) => [m.kind, m.delta])).toEqual([
      ['ISSUE', 2380],
      ['SPEND', -2380],
      ['REFUND', 2380],
    ]);
    // This till's X report: one sale of 23.80 paid by credit; credit paid back twice, 23.80 issued by the return
    // without a receipt and 23.80 by the receipted return; no cash or card moved, so the drawer holds the float.
    const x = data(await pos(token, 'TillXReport', {})).currentTillSession.report;
    expect(x.salesByTender).toEqual([
      { method: 'CASH', count: 0, amount: eur(0) },
      { method: 'CARD', count: 0, amount: eur(0) },
      { method: 'STORE_CREDIT', count: 1, amount: eur(2380) },
    ]);
    expect(x.refundsByTender).toEqual([
      { method: 'CASH', count: 0, amount: eur(0) },
      { method: 'CARD', count: 0, amount: eur(0) },
      { method: 'STORE_CREDIT', count: 2, amount: eur(4760) },
    ]);
    expect(x.cashExpected).toEqual(eur(10000));
    expect(x.text).toContain('\nSTORE_CREDIT (1)                   23.80\n');
  });
});
