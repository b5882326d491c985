import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { data, key } from './checkout-support.ts';
import { POS_WALKS, registerTill, registerTillStaff, tillToken, type TestTill } from './pos-support.ts';
import { BERLIN, priceVariant, receive } from './stock-support.ts';

/**
 * Manual discounts at the till (issue #15, part 2): a line or sale discount in minor units or percent, within the
 * channel's threshold by the cashier alone, above it only with a manager's approval given on the till with their
 * PIN (never the cashier's own); a discount is never more than what it comes off; the receipt shows the discount
 * and who approved it. Through the POS and admin BFFs by operation name.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
// 23.80 EUR gross each (19 % VAT in it): two units are 47.60.
const UNIT = 2380;
const runAdmin = adminWalk('tillDiscounts');
const ranPos = new Set<string>();
const pos = (name: string, variables: Record<string, unknown>, token?: string) => {
  ranPos.add(name);
  return bff('pos', name, variables, { token });
};

let staffToken = '';
let orderAdmin = '';
let viewer = '';
let cashier: { id: string; staffCode: string; pin: string };
let manager: { id: string; staffCode: string; pin: string };

async function product(units: number) {
  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Discount product' });
  const variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  await receive(variantId, BERLIN, units);
  return variantId;
}

async function openTill(as = cashier): Promise<{ till: TestTill; token: string }> {
  const till = await registerTill(staffToken, BERLIN);
  const token = await tillToken(till, as.staffCode, as.pin);
  expect(data(await pos('OpenTillSession', { openingFloat: 0 }, token)).openTillSession.__typename).toBe('TillSession');
  return { till, token };
}

const sale = (token: string, input: Record<string, unknown>) => pos('TillSale', { input }, token);
const twoUnits = (variantId: string, extra: Record<string, unknown> = {}, lineDiscount?: Record<string, unknown>) => ({
  idempotencyKey: key('disc'),
  lines: [{ variantId, quantity: 2, ...(lineDiscount ? { discount: lineDiscount } : {}) }],
  tenders: [{ method: 'CASH', amount: 5000 }],
  ...extra,
});

async function approve(token: string, who: { staffCode: string; pin: string }, maxDiscount: number) {
  return data(await pos('ApproveTillDiscount', { input: { staffCode: who.staffCode, pin: who.pin, maxDiscount } }, token)).approveTillDiscount;
}

async function untouched(variantId: string, tillId: string) {
  const [level] = await sql`select on_hand, reserved from stock.levels where variant_id = ${variantId} and location_id = ${BERLIN}`;
  const [orders] = await sql`select count(*)::int as n from orders.orders where owner = ${`till:${tillId}`}`;
  return { level: [level!.on_hand, level!.reserved], orders: orders!.n };
}

beforeAll(async () => {
  const admin = await createStaff('pos-disc-admin', ['staff-admin'], ['pos-berlin']);
  staffToken = (await staffSession(admin.email)).token;
  orderAdmin = (await staffSession((await createStaff('pos-disc-orders', ['order-admin'], ['pos-berlin'])).email)).token;
  viewer = (await staffSession((await createStaff('pos-disc-viewer', ['viewer'], ['pos-berlin'])).email)).token;
  cashier = await registerTillStaff(staffToken, 'CASHIER', '2468');
  manager = await registerTillStaff(staffToken, 'MANAGER', '8642');
});

afterAll(async () => {
  expect(
    POS_WALKS.discount.filter((name) => !ranPos.has(name)),
    'POS operations this file claims but never ran',
  ).toEqual([]);
  await sql.end();
});

describe('within the threshold', () => {
  it('lets the cashier take 10 % (the default) off alone, and prints it', async () => {
    expect(data(await runAdmin('TillDiscountPolicy', { channel: 'pos-berlin' }, { token: viewer, channel: 'pos-berlin' })).tillDiscountPolicy).toEqual({
      channel: 'pos-berlin',
      maxPercentBasisPoints: 1000,
      maxAmount: null,
    });
    const variantId = await product(5);
    const { token } = await openTill();
    // 10 % of 47.60 = 4.76 off the line: 42.84, VAT in it 42.84 x 19 / 119 = 6.84; 50.00 cash - 42.84 = 7.16 change.
    const receipt = data(await sale(token, twoUnits(variantId, { expectedTotal: eur(4284) }, { percentBasisPoints: 1000 }))).tillSale;
    expect(receipt.__typename, JSON.stringify(receipt)).toBe('Receipt');
    expect(receipt.lines.map((l: any) => [l.discount, l.tax, l.lineTotal])).toEqual([[eur(476), eur(684), eur(4284)]]);
    expect([receipt.subtotal, receipt.discountTotal, receipt.manualDiscount, receipt.tax, receipt.total, receipt.change]).toEqual([
      eur(4760),
      eur(476),
      eur(476),
      eur(684),
      eur(4284),
      eur(716),
    ]);
    expect(receipt.discountApprovedBy).toBeNull();
    expect(receipt.text).toContain('\n  of it by hand                    -4.76\n');
    expect(receipt.text).not.toContain('approved by');
  });

  it('refuses one cent more without a manager, and writes nothing', async () => {
    const variantId = await product(5);
    const { till, token } = await openTill();
    // 4.77 off the sale is 0.01 above 10 % of 47.60 (4.76).
    const refused = data(await sale(token, twoUnits(variantId, { expectedTotal: eur(4283), discount: { amount: 477 } }))).tillSale;
    expect(refused).toEqual({
      __typename: 'ManagerApprovalRequired',
      reason: 'MISSING',
      message: refused.message,
      discount: eur(477),
      threshold: eur(476),
    });
    expect(await untouched(variantId, till.id)).toEqual({ level: [5, 0], orders: 0 });
  });
});

describe("a manager's approval", () => {
  it('sells 20 % off with the approval of a manager who typed their PIN on the till, named on the receipt', async () => {
    const variantId = await product(5);
    const { till, token } = await openTill();
    const approval = await approve(token, manager, 1000);
    expect(approval).toMatchObject({ __typename: 'TillDiscountApproval', manager: { id: manager.id, role: 'MANAGER' }, maxDiscount: eur(1000) });
    // 20 % of 47.60 = 9.52 off the sale: 38.08, VAT in it 38.08 x 19 / 119 = 6.08; 40.00 cash gives 1.92 change.
    const input = twoUnits(variantId, {
      expectedTotal: eur(3808),
      discount: { percentBasisPoints: 2000 },
      tenders: [{ method: 'CASH', amount: 4000 }],
      managerApproval: approval.approvalToken,
    });
    const receipt = data(await sale(token, input)).tillSale;
    expect(receipt.__typename, JSON.stringify(receipt)).toBe('Receipt');
    expect([receipt.discountTotal, receipt.manualDiscount, receipt.tax, receipt.total, receipt.change]).toEqual([
      eur(952),
      eur(952),
      eur(608),
      eur(3808),
      eur(192),
    ]);
    expect(receipt.discountApprovedBy).toEqual({ staffId: manager.id, name: `MANAGER ${manager.staffCode}` });
    expect(receipt.text).toContain(`\n  approved by MANAGER ${manager.staffCode}\n`);
    const [row] = await sql`select manual_discount::int as manual, discount_approved_by from orders.till_sales where till_id = ${till.id}`;
    expect(row).toEqual({ manual: 952, discount_approved_by: manager.id });
    // The same key answers the same receipt, approval and all.
    expect(data(await sale(token, input)).tillSale.receiptNumber).toBe(receipt.receiptNumber);
  });

  it('refuses an approval for less than the discount, from another till, or forged, writing nothing', async () => {
    const variantId = await product(5);
    const { till, token } = await openTill();
    const other = await openTill();
    const small = await approve(token, manager, 900);
    const elsewhere = await approve(other.token, manager, 5000);
    const attempt = (managerApproval: string) =>
      sale(token, twoUnits(variantId, { expectedTotal: eur(3808), discount: { percentBasisPoints: 2000 }, managerApproval }));
    // 9.52 asked, 9.00 approved.
    expect(data(await attempt(small.approvalToken)).tillSale).toMatchObject({ __typename: 'ManagerApprovalRequired', reason: 'TOO_SMALL' });
    expect(data(await attempt(elsewhere.approvalToken)).tillSale).toMatchObject({ __typename: 'ManagerApprovalRequired', reason: 'OTHER_TILL' });
    const [head, body] = elsewhere.approvalToken.split('.');
    expect(data(await attempt(`${head}.${body}.${'A'.repeat(43)}`)).tillSale).toMatchObject({ __typename: 'ManagerApprovalRequired', reason: 'INVALID' });
    expect(await untouched(variantId, till.id)).toEqual({ level: [5, 0], orders: 0 });
  });

  it('will not let a cashier approve, nor a manager approve the sale they ring up themselves', async () => {
    const { token } = await openTill();
    expect(await approve(token, cashier, 1000)).toMatchObject({ __typename: 'TillApprovalRefused', reason: 'NOT_A_MANAGER' });
    const wrongPin = await approve(token, { staffCode: manager.staffCode, pin: '0000' }, 1000);
    expect(wrongPin.__typename).toBe('SignInFailed');
    const own = await openTill(manager);
    expect(await approve(own.token, manager, 1000)).toMatchObject({ __typename: 'TillApprovalRefused', reason: 'OWN_SALE' });
    // Nor can the manager at the till get past the threshold without another manager.
    const variantId = await product(2);
    const refused = data(await sale(own.token, twoUnits(variantId, { expectedTotal: eur(3808), discount: { percentBasisPoints: 2000 } }))).tillSale;
    expect(refused).toMatchObject({ __typename: 'ManagerApprovalRequired', reason: 'MISSING' });
  });
});

describe('discounts that cannot be', () => {
  it('refuses a discount above the line, a negative one and one that is both amount and percent, writing nothing', async () => {
    const variantId = await product(5);
    const { till, token } = await openTill();
    const approval = await approve(token, manager, 100_000);
    // 47.61 off a 47.60 line.
    const over = data(await sale(token, twoUnits(variantId, { expectedTotal: eur(0), managerApproval: approval.approvalToken }, { amount: 4761 }))).tillSale;
    expect(over).toMatchObject({ __typename: 'DiscountRefused', reason: 'EXCEEDS_LINE_TOTAL', lineNo: 1 });
    const negative = await sale(token, twoUnits(variantId, { expectedTotal: eur(4860) }, { amount: -100 }));
    expect(negative.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'input.lines.0.discount.amount']]);
    const both = await sale(token, twoUnits(variantId, { expectedTotal: eur(4760), discount: { amount: 1, percentBasisPoints: 1 } }));
    expect(both.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'input.discount']]);
    expect(await untouched(variantId, till.id)).toEqual({ level: [5, 0], orders: 0 });
  });
});

describe("the channel's threshold", () => {
  it('is set by order-admin staff (not a viewer): 5 % capped at 2.00 makes 2.01 off 47.60 need a manager', async () => {
    const input = { channel: 'pos-berlin', maxPercentBasisPoints: 500, maxAmount: eur(200) };
    expect(codes(await runAdmin('SetTillDiscountPolicy', { input }, { token: viewer, channel: 'pos-berlin' }))).toEqual(['FORBIDDEN']);
    const negative = await runAdmin('SetTillDiscountPolicy', { input: { ...input, maxAmount: eur(-1) } }, { token: orderAdmin, channel: 'pos-berlin' });
    expect(codes(negative)).toEqual(['BAD_USER_INPUT']);
    const set = data(await runAdmin('SetTillDiscountPolicy', { input }, { token: orderAdmin, channel: 'pos-berlin' })).setTillDiscountPolicy;
    expect(set).toEqual(input);
    try {
      const variantId = await product(5);
      const { token } = await openTill();
      // 5 % of 47.60 is 2.38, but the cap is 2.00: 2.00 passes, 2.01 does not.
      const ok = data(await sale(token, twoUnits(variantId, { expectedTotal: eur(4560), discount: { amount: 200 } }))).tillSale;
      expect(ok.__typename, JSON.stringify(ok)).toBe('Receipt');
      const refused = data(await sale(token, twoUnits(variantId, { expectedTotal: eur(4559), discount: { amount: 201 } }))).tillSale;
      expect(refused).toMatchObject({ __typename: 'ManagerApprovalRequired', discount: eur(201), threshold: eur(200) });
    } finally {
      await runAdmin(
        'SetTillDiscountPolicy',
        { input: { channel: 'pos-berlin', maxPercentBasisPoints: 1000, maxAmount: null } },
        { token: orderAdmin, channel: 'pos-berlin' },
      );
    }
  });
});

describe('offline discounts', () => {
  const offline = (variantId: string, extra: Record<string, unknown>) => ({
    clientId: key('offd'),
    soldAt: new Date(Date.now() - 10_000).toISOString(),
    lines: [{ variantId, quantity: 2, unitPrice: UNIT }],
    tenders: [{ method: 'CASH', amount: 3808 }],
    ...extra,
  });

  it('records a sale above the threshold without approval (the goods left) and flags it; with one, names the manager', async () => {
    const variantId = await product(5);
    const { till, token } = await openTill();
    const approval = await approve(token, manager, 1000);
    // Both 9.52 off 47.60 (20 %): 38.08 paid in cash.
    const unapproved = offline(variantId, { discount: { amount: 952 } });
    const approved = offline(variantId, { discount: { amount: 952 }, managerApproval: approval.approvalToken });
    const results = data(await pos('PostOfflineSales', { sales: [unapproved, approved] }, token)).postOfflineSales.results;
    expect(results.map((r: any) => [r.status, r.flags])).toEqual([
      ['APPLIED', ['DISCOUNT_NOT_APPROVED']],
      ['APPLIED', []],
    ]);
    const rows =
      await sql`select client_id, manual_discount::int as manual, discount_approved_by from orders.till_sales where till_id = ${till.id} order by sold_at, client_id`;
    expect(new Map(rows.map((r) => [r.client_id, [r.manual, r.discount_approved_by]]))).toEqual(
      new Map([
        [unapproved.clientId, [952, null]],
        [approved.clientId, [952, manager.id]],
      ]),
    );
    const flagged =
      await sql`select kind, sold_unit::int as discount, current_unit::int as threshold from orders.till_discrepancies where till_id = ${till.id}`;
    // The threshold: 10 % of 47.60.
    expect(flagged).toEqual([{ kind: 'DISCOUNT_NOT_APPROVED', discount: 952, threshold: 476 }]);
    const [order] = await sql`select total::int as total, discount_total::int as discount from orders.orders where id = ${results[1].orderId}`;
    expect(order).toEqual({ total: 3808, discount: 952 });
  });

  it('refuses a batch with a discount larger than its line as malformed, applying nothing', async () => {
    const variantId = await product(5);
    const { till, token } = await openTill();
    const fine = offline(variantId, {});
    const bad = offline(variantId, { lines: [{ variantId, quantity: 1, unitPrice: UNIT, discount: { amount: UNIT + 1 } }] });
    const res = await pos('PostOfflineSales', { sales: [fine, bad] }, token);
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'sales.1.lines.0.discount']]);
    expect(await untouched(variantId, till.id)).toEqual({ level: [5, 0], orders: 0 });
  });
});
