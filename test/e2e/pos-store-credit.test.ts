import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { data, key } from './checkout-support.ts';
import { POS_WALKS, registerTill, registerTillStaff, tillToken, type TestTill } from './pos-support.ts';
import { BERLIN, MUNICH, priceVariant, receive, withContentionSampler } from './stock-support.ts';

/**
 * Returns at the till without a receipt (issue #15, item 3), through the POS BFF by name: a manager approves the
 * amount on the till (ApproveTillDiscount with purpose RETURN, the discounts' mechanism), the goods are valued at
 * pos-berlin's current price and come back into the till's own shop, and the money goes out only as store credit:
 * a code whose balance is spent as a STORE_CREDIT tender, never below zero, once when two tills race for it.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
// 23.80 EUR gross each (19 % German VAT in it).
const UNIT = 2380;
const ran = new Set<string>();
let staffToken = '';
let cashier: { id: string; staffCode: string; pin: string };
let manager: { id: string; staffCode: string; pin: string };

const pos = (token: string, name: string, variables: Record<string, unknown>) => {
  ran.add(name);
  return bff('pos', name, variables, { token });
};
const creditReturn = (token: string, input: Record<string, unknown>) => pos(token, 'TillCreditReturn', { input });
const balance = async (token: string, code: string) => data(await pos(token, 'StoreCreditBalance', { code })).storeCredit;

async function product(units: Record<string, number>) {
  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Store credit product' });
  const variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  for (const [locationId, quantity] of Object.entries(units)) await receive(variantId, locationId, quantity);
  return { variantId, sku: created.input.variants[0]!.sku as string };
}

async function openTill(locationId = BERLIN, float = 10000): Promise<{ till: TestTill; token: string }> {
  const till = await registerTill(staffToken, locationId);
  const token = await tillToken(till, cashier.staffCode, cashier.pin);
  expect(data(await pos(token, 'OpenTillSession', { openingFloat: float })).openTillSession.__typename).toBe('TillSession');
  return { till, token };
}

async function approval(token: string, maxDiscount: number, purpose: 'DISCOUNT' | 'RETURN' = 'RETURN'): Promise<string> {
  const r = data(
    await pos(token, 'ApproveTillDiscount', { input: { staffCode: manager.staffCode, pin: manager.pin, maxDiscount, purpose } }),
  ).approveTillDiscount;
  expect(r.__typename, JSON.stringify(r)).toBe('TillDiscountApproval');
  return r.approvalToken;
}

/** A credit of `units` x 23.80 from a return without a receipt at this till. */
async function issueCredit(token: string, variantId: string, units: number): Promise<string> {
  const r = data(
    await creditReturn(token, {
      idempotencyKey: key('nr'),
      lines: [{ variantId, quantity: units }],
      managerApproval: await approval(token, units * UNIT),
    }),
  ).tillCreditReturn;
  expect(r.__typename, JSON.stringify(r)).toBe('TillCreditReturnReceipt');
  return r.credit.code;
}

const sale = (token: string, input: Record<string, unknown>) => pos(token, 'TillSale', { input: { idempotencyKey: key('sale'), ...input } });

async function onHand(variantId: string) {
  const rows = await sql<{ location_id: string; on_hand: number; reserved: number }[]>`
    select location_id, on_hand, reserved from stock.levels where variant_id = ${variantId} order by location_id`;
  return Object.fromEntries(rows.map((r) => [r.location_id, [r.on_hand, r.reserved]]));
}

const creditsOfTill = async (tillId: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from orders.store_credit_movements where till_id = ${tillId} and kind = 'ISSUE'`)[0]!.n;

async function movementsOf(code: string) {
  return sql<{ kind: string; delta: number }[]>`
    select m.kind, m.delta::int as delta from orders.store_credit_movements m
    join orders.store_credits c on c.id = m.credit_id
    where c.code_last4 = ${code.slice(-4)} and c.id = (select credit_id from orders.till_credit_returns where credit_code = ${code})
    order by m.id`;
}

beforeAll(async () => {
  const admin = await createStaff('pos-credit-admin', ['staff-admin'], ['pos-berlin']);
  staffToken = (await staffSession(admin.email)).token;
  cashier = await registerTillStaff(staffToken, 'CASHIER', '1357');
  manager = await registerTillStaff(staffToken, 'MANAGER', '9753');
});

afterAll(async () => {
  expect(POS_WALKS.credit.filter((n) => !ran.has(n))).toEqual([]);
  await sql.end();
});

describe('a return at the till without a receipt', () => {
  it('is refused without a manager’s return approval, then issues exactly the current price as store credit and restocks this shop', async () => {
    const { variantId, sku } = await product({ [BERLIN]: 1, [MUNICH]: 4 });
    const { till, token } = await openTill();
    const input = { idempotencyKey: key('nr'), lines: [{ variantId, quantity: 2 }] };

    // 2 x 23.80 = 47.60 of credit needs a manager: without an approval nothing is written.
    const missing = data(await creditReturn(token, input)).tillCreditReturn;
    expect(missing).toEqual({ __typename: 'ReturnApprovalRequired', reason: 'MISSING', message: missing.message, amount: eur(4760) });
    // A discount's approval never passes for a return, and one for 40.00 does not cover 47.60.
    const discountOnly = data(await creditReturn(token, { ...input, managerApproval: await approval(token, 5000, 'DISCOUNT') })).tillCreditReturn;
    expect(discountOnly).toMatchObject({ __typename: 'ReturnApprovalRequired', reason: 'INVALID', amount: eur(4760) });
    const small = data(await creditReturn(token, { ...input, managerApproval: await approval(token, 4000) })).tillCreditReturn;
    expect(small).toMatchObject({ __typename: 'ReturnApprovalRequired', reason: 'TOO_SMALL', amount: eur(4760) });
    expect(await creditsOfTill(till.id)).toBe(0);
    expect(await onHand(variantId)).toEqual({ [BERLIN]: [1, 0], [MUNICH]: [4, 0] });
    // A return approval does not pass for a discount either: 10.00 off a 23.80 sale is above the 10 % threshold.
    const swapped = data(
      await sale(token, {
        lines: [{ variantId, quantity: 1, discount: { amount: 1000 } }],
        expectedTotal: eur(1380),
        tenders: [{ method: 'CASH', amount: 1380 }],
        managerApproval: await approval(token, 1000),
      }),
    ).tillSale;
    expect(swapped).toMatchObject({ __typename: 'ManagerApprovalRequired', reason: 'INVALID' });

    const approved = { ...input, managerApproval: await approval(token, 4760) };
    const first = data(await creditReturn(token, approved)).tillCreditReturn;
    expect(first).toEqual({
      __typename: 'TillCreditReturnReceipt',
      returnNumber: first.returnNumber,
      clientId: input.idempotencyKey,
      tillId: till.id,
      locationId: BERLIN,
      cashierId: cashier.id,
      returnedAt: first.returnedAt,
      approvedBy: { staffId: manager.id, name: `MANAGER ${manager.staffCode}` },
      lines: [{ lineNo: 1, variantId, sku, quantity: 2, refund: eur(4760) }],
      total: eur(4760),
      credit: { code: first.credit.code, last4: first.credit.code.slice(-4), issued: eur(4760), balance: eur(4760) },
      restocked: true,
      text: first.text,
    });
    expect(first.returnNumber).toMatch(/^NR-[0-9A-F]{10}$/);
    expect(first.credit.code).toMatch(/^SC(-[A-HJ-NP-Z2-9]{4}){4}$/);
    expect(first.text).toMatch(new RegExp(`^Return ${first.returnNumber}\\nwithout a receipt\\n`));
    expect(first.text).toContain('\nREFUND EUR                         47.60\n');
    expect(first.text).toContain('\n  STORE_CREDIT                     47.60\n');
    expect(first.text).toContain(`\nStore credit ${first.credit.code}\n`);
    // Back on hand in Berlin only: 1 + 2 = 3, as one RETURN movement of +2 there; Munich untouched.
    expect(await onHand(variantId)).toEqual({ [BERLIN]: [3, 0], [MUNICH]: [4, 0] });
    const returns = await sql`select location_id, delta_on_hand from stock.movements where variant_id = ${variantId} and kind = 'RETURN'`;
    expect(returns).toEqual([{ location_id: BERLIN, delta_on_hand: 2 }]);

    // A retry answers the same return and code, and books nothing twice.
    expect(data(await creditReturn(token, approved)).tillCreditReturn).toEqual(first);
    expect(await onHand(variantId)).toEqual({ [BERLIN]: [3, 0], [MUNICH]: [4, 0] });
    expect(await creditsOfTill(till.id)).toBe(1);
    expect(codes(await creditReturn(token, { ...approved, lines: [{ variantId, quantity: 1 }] }))).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await balance(token, first.credit.code)).toEqual({ last4: first.credit.code.slice(-4), issued: eur(4760), balance: eur(4760) });
    expect(await balance(token, 'SC-AAAA-BBBB-CCCC-DDDD')).toBeNull();
  });
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
