import { expect } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data, key } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillToken, type TestTill } from './pos-support.ts';
import { BERLIN, priceVariant, receive } from './stock-support.ts';

/** What the pos-store-credit*.test.ts files share: their own staff, tills, products and credits, through the POS BFF. */

export const sql = sqlClient();
export const eur = (amount: number) => ({ amount, currency: 'EUR' });
// 23.80 EUR gross each (19 % German VAT in it).
export const UNIT = 2380;
/** POS operations each file ran by name (pos-store-credit.test.ts checks its POS_WALKS claim against it). */
export const ran = new Set<string>();

export interface CreditStaff {
  staffToken: string;
  cashier: { id: string; staffCode: string; pin: string };
  manager: { id: string; staffCode: string; pin: string };
}
let staff: CreditStaff;
export const creditStaff = () => staff;

export async function setUpCreditStaff(tag: string): Promise<CreditStaff> {
  const admin = await createStaff(tag, ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  staff = {
    staffToken,
    cashier: await registerTillStaff(staffToken, 'CASHIER', '1357'),
    manager: await registerTillStaff(staffToken, 'MANAGER', '9753'),
  };
  return staff;
}

export const pos = (token: string, name: string, variables: Record<string, unknown>) => {
  ran.add(name);
  return bff('pos', name, variables, { token });
};
export const creditReturn = (token: string, input: Record<string, unknown>) => pos(token, 'TillCreditReturn', { input });
export const balance = async (token: string, code: string) => data(await pos(token, 'StoreCreditBalance', { code })).storeCredit;
export const sale = (token: string, input: Record<string, unknown>) => pos(token, 'TillSale', { input: { idempotencyKey: key('sale'), ...input } });

export async function product(units: Record<string, number>) {
  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Store credit product' });
  const variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  for (const [locationId, quantity] of Object.entries(units)) await receive(variantId, locationId, quantity);
  return { variantId, sku: created.input.variants[0]!.sku as string };
}

export async function openTill(locationId = BERLIN, float = 10000): Promise<{ till: TestTill; token: string }> {
  const till = await registerTill(staff.staffToken, locationId);
  const token = await tillToken(till, staff.cashier.staffCode, staff.cashier.pin);
  expect(data(await pos(token, 'OpenTillSession', { openingFloat: float })).openTillSession.__typename).toBe('TillSession');
  return { till, token };
}

export async function approval(token: string, maxDiscount: number, purpose: 'DISCOUNT' | 'RETURN' = 'RETURN'): Promise<string> {
  const { manager } = staff;
  const r = data(
    await pos(token, 'ApproveTillDiscount', { input: { staffCode: manager.staffCode, pin: manager.pin, maxDiscount, purpose } }),
  ).approveTillDiscount;
  expect(r.__typename, JSON.stringify(r)).toBe('TillDiscountApproval');
  return r.approvalToken;
}

/** A credit of `units` x 23.80 from a return without a receipt at this till. */
export async function issueCredit(token: string, variantId: string, units: number): Promise<string> {
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

export async function onHand(variantId: string) {
  const rows = await sql<{ location_id: string; on_hand: number; reserved: number }[]>`
    select location_id, on_hand, reserved from stock.levels where variant_id = ${variantId} order by location_id`;
  return Object.fromEntries(rows.map((r) => [r.location_id, [r.on_hand, r.reserved]]));
}

/** The credit's ledger, found as the till finds it: by the SHA-256 of the code (computed here by PostgreSQL). */
export async function movementsOf(code: string) {
  return sql<{ kind: string; delta: number }[]>`
    select m.kind, m.delta::int as delta from orders.store_credit_movements m
    join orders.store_credits c on c.id = m.credit_id
    where c.code_hash = encode(sha256(convert_to(${code}, 'UTF8')), 'hex')
    order by m.id`;
}
