import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from './admin-walk-support.ts';
import { data, key } from './checkout-support.ts';
import { POS_WALKS } from './pos-support.ts';
import {
  approval,
  balance,
  creditReturn,
  eur,
  onHand,
  openTill,
  product,
  ran,
  sale,
  setUpCreditStaff,
  sql,
  type CreditStaff,
} from './pos-store-credit-support.ts';
import { BERLIN, MUNICH } from './stock-support.ts';

/**
 * Returns at the till without a receipt (issue #15, item 3), through the POS BFF by name: a manager approves the
 * amount on the till (ApproveTillDiscount with purpose RETURN, the discounts' mechanism), the goods are valued at
 * pos-berlin's current price and come back into the till's own shop, and the money goes out only as store credit:
 * a code derived from the credit's id and stored nowhere (only its hash and last four), printed again on a retry.
 * Spending it: pos-store-credit-tender.test.ts; a till that dies after spending: pos-store-credit-crash.test.ts.
 */

let staff: CreditStaff;

const creditsOfTill = async (tillId: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from orders.store_credit_movements where till_id = ${tillId} and kind = 'ISSUE'`)[0]!.n;

/** Every row of every table in the test database whose text holds `needle`, as `schema.table` (count). */
async function rowsHolding(needle: string) {
  const tables = await sql<{ s: string; t: string }[]>`
    select table_schema as s, table_name as t from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`;
  const found: Record<string, number> = {};
  for (const { s, t } of tables) {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(s)}.${sql(t)} x where x::text like ${`%${needle}%`}`;
    if (row!.n > 0) found[`${s}.${t}`] = row!.n;
  }
  return { tables: tables.length, found };
}

beforeAll(async () => {
  staff = await setUpCreditStaff('pos-credit-admin');
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
      cashierId: staff.cashier.id,
      returnedAt: first.returnedAt,
      approvedBy: { staffId: staff.manager.id, name: `MANAGER ${staff.manager.staffCode}` },
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

  it('keeps its code nowhere at rest: no table, event, queued job or audit entry holds it, and the retry derives it again', async () => {
    const { variantId } = await product({ [BERLIN]: 1 });
    const { till, token } = await openTill();
    const input = { idempotencyKey: key('nr'), lines: [{ variantId, quantity: 1 }], managerApproval: await approval(token, 2380) };
    const first = data(await creditReturn(token, input)).tillCreditReturn;
    expect(first.__typename, JSON.stringify(first)).toBe('TillCreditReturnReceipt');
    const code: string = first.credit.code;
    expect(code).toMatch(/^SC(-[A-HJ-NP-Z2-9]{4}){4}$/);
    // A sale paid with it, so the tender's path (till sale, order, order.placed in the outbox) is searched too.
    const paid = data(
      await sale(token, {
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(2380),
        tenders: [{ method: 'STORE_CREDIT', amount: 2380, creditCode: code }],
      }),
    ).tillSale;
    expect(paid.__typename, JSON.stringify(paid)).toBe('Receipt');

    // Every table of every schema in the database: the code appears in none (with or without its dashes). The
    // same search finds what is stored: the return's number on its one row, the code's SHA-256 on the credit.
    const everywhere = await rowsHolding(code);
    expect(everywhere.tables).toBeGreaterThan(40);
    expect(everywhere.found).toEqual({});
    expect((await rowsHolding(code.replaceAll('-', ''))).found).toEqual({});
    expect((await rowsHolding(first.returnNumber)).found).toEqual({ 'orders.till_credit_returns': 1 });
    expect((await rowsHolding(createHash('sha256').update(code).digest('hex'))).found).toEqual({ 'orders.store_credits': 1 });
    // The old plain-text column stays for one release (replicas of the previous code still use it during a rolling
    // deploy), nullable; this code leaves it empty on the return's row.
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from orders.till_credit_returns where number = ${first.returnNumber} and credit_code is null`;
    expect(row!.n).toBe(1);

    // The till retries the return: the same code again, derived from the credit's id; the balance is what the sale left.
    const again = data(await creditReturn(token, input)).tillCreditReturn;
    expect(again).toEqual({ ...first, credit: { ...first.credit, balance: eur(0) } });
    expect(again.text).toContain(`\nStore credit ${code}\n`);
    expect(await creditsOfTill(till.id)).toBe(1);
  });
});
