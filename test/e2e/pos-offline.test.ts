import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { data, key } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, priceVariant, receive } from './stock-support.ts';

/**
 * Offline sales (issue #15, part 4), posted by a till through the POS BFF: each applied once per till and client
 * id however often and by however many connections it is posted; a sale whose stock is gone is recorded with a
 * shortfall for staff, never dropped; a changed price is honoured and flagged; a malformed batch is refused whole.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
// 23.80 EUR gross each.
const UNIT = 2380;
let staffToken = '';
let cashier: { id: string; staffCode: string; pin: string };

async function product(berlinUnits: number) {
  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Offline sale product' });
  const variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  if (berlinUnits > 0) await receive(variantId, BERLIN, berlinUnits);
  return variantId;
}

async function till() {
  const t = await registerTill(staffToken, BERLIN);
  const token = await tillToken(t, cashier.staffCode, cashier.pin);
  data(await bff('pos', 'OpenTillSession', { openingFloat: 0 }, { token }));
  return { id: t.id, token };
}

const offline = (variantId: string, quantity = 1, unitPrice = UNIT, soldAt = new Date(Date.now() - 3_600_000).toISOString()) => ({
  clientId: key('off'),
  soldAt,
  lines: [{ variantId, quantity, unitPrice }],
  tenders: [{ method: 'CASH', amount: unitPrice * quantity }],
});

const post = (token: string, sales: unknown[]) => bff('pos', 'PostOfflineSales', { sales }, { token });

async function ledger(variantId: string) {
  const moves = await sql<
    { delta: number }[]
  >`select delta_on_hand as delta from stock.movements where variant_id = ${variantId} and kind = 'SALE' order by id`;
  const [level] = await sql<
    { on_hand: number; reserved: number }[]
  >`select on_hand, reserved from stock.levels where variant_id = ${variantId} and location_id = ${BERLIN}`;
  return { sales: moves.map((m) => m.delta), level: level ? [level.on_hand, level.reserved] : null };
}

const ordersOf = async (tillId: string) => (await sql`select count(*)::int as n from orders.orders where owner = ${`till:${tillId}`}`)[0]!.n;

beforeAll(async () => {
  const admin = await createStaff('pos-offline-admin', ['staff-admin'], ['pos-berlin']);
  staffToken = (await staffSession(admin.email)).token;
  cashier = await registerTillStaff(staffToken, 'CASHIER', '9753');
});

afterAll(() => sql.end());

describe('exactly once', () => {
  it('applies each sale of a batch replayed three times once', async () => {
    const variantId = await product(10);
    const t = await till();
    const batch = [offline(variantId, 1), offline(variantId, 2), offline(variantId, 1)];
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(data(await post(t.token, batch)).postOfflineSales.results);
    expect(answers[0].map((r: any) => r.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    expect(answers[1].map((r: any) => r.status)).toEqual(['ALREADY_APPLIED', 'ALREADY_APPLIED', 'ALREADY_APPLIED']);
    expect(answers[2].map((r: any) => r.status)).toEqual(['ALREADY_APPLIED', 'ALREADY_APPLIED', 'ALREADY_APPLIED']);
    const numbers = answers.map((a) => a.map((r: any) => r.receiptNumber));
    expect(numbers[1]).toEqual(numbers[0]);
    expect(numbers[2]).toEqual(numbers[0]);
    // 1 + 2 + 1 = 4 units sold once: 10 - 4 = 6 left.
    expect(await ledger(variantId)).toEqual({ sales: [-1, -2, -1], level: [6, 0] });
    expect(await ordersOf(t.id)).toBe(3);
  });

  it('applies each sale once when two connections post the same batch at once', async () => {
    const variantId = await product(10);
    const t = await till();
    const batch = [offline(variantId, 1), offline(variantId, 1), offline(variantId, 3)];
    const [a, b] = await Promise.all([post(t.token, batch), post(t.token, batch)]);
    const ra = data(a).postOfflineSales.results;
    const rb = data(b).postOfflineSales.results;
    for (let i = 0; i < 3; i++) {
      expect([ra[i].status, rb[i].status].sort()).toEqual(['ALREADY_APPLIED', 'APPLIED']);
      expect(ra[i].receiptNumber).toBe(rb[i].receiptNumber);
    }
    // 1 + 1 + 3 = 5 sold once: 10 - 5 = 5 left.
    expect(await ledger(variantId)).toEqual({ sales: [-1, -1, -3], level: [5, 0] });
    expect(await ordersOf(t.id)).toBe(3);
  });
});

describe('what the goods that left the shop leave behind', () => {
  it('records both sales when two tills sell the last unit, one of them offline, and reports the shortfall', async () => {
    const variantId = await product(1);
    const online = await till();
    const offlineTill = await till();
    const sold = data(
      await bff(
        'pos',
        'TillSale',
        { input: { idempotencyKey: key('last'), lines: [{ variantId, quantity: 1 }], expectedTotal: eur(UNIT), tenders: [{ method: 'CASH', amount: UNIT }] } },
        { token: online.token },
      ),
    ).tillSale;
    expect(sold.__typename).toBe('Receipt');
    const sale = offline(variantId, 1);
    const [result] = data(await post(offlineTill.token, [sale])).postOfflineSales.results;
    expect(result).toMatchObject({
      clientId: sale.clientId,
      status: 'APPLIED',
      flags: ['STOCK_SHORTFALL'],
      shortfalls: [{ variantId, quantity: 1 }],
      reason: null,
    });
    expect(result.receiptNumber).toMatch(/^POS-BERLIN-\d{6,}$/);
    // One unit on hand was sold once (online); the offline unit is a recorded shortfall, on-hand stays at 0.
    expect(await ledger(variantId)).toEqual({ sales: [-1], level: [0, 0] });
    expect(await ordersOf(online.id)).toBe(1);
    expect(await ordersOf(offlineTill.id)).toBe(1);
    const flagged = await sql`select kind, location_id, quantity from orders.till_discrepancies where variant_id = ${variantId}`;
    expect(flagged).toEqual([{ kind: 'STOCK_SHORTFALL', location_id: BERLIN, quantity: 1 }]);
  });

  it('honours a price that changed since the snapshot and flags it', async () => {
    const variantId = await product(3);
    const t = await till();
    // Sold offline at 20.00 while the price is now 23.80: the order is for 2 x 20.00 = 40.00.
    const sale = offline(variantId, 2, 2000);
    const [result] = data(await post(t.token, [sale])).postOfflineSales.results;
    expect(result).toMatchObject({ status: 'APPLIED', flags: ['PRICE_CHANGED'], shortfalls: [] });
    const [order] = await sql`select total::int as total, placed_at from orders.orders where id = ${result.orderId}`;
    expect(order!.total).toBe(4000);
    expect(new Date(order!.placed_at).toISOString()).toBe(sale.soldAt);
    const flagged =
      await sql`select kind, quantity, sold_unit::int as sold, current_unit::int as current from orders.till_discrepancies where variant_id = ${variantId}`;
    expect(flagged).toEqual([{ kind: 'PRICE_CHANGED', quantity: 2, sold: 2000, current: UNIT }]);
    expect(await ledger(variantId)).toEqual({ sales: [-2], level: [1, 0] });
  });
});

describe('a malformed batch', () => {
  it('refuses duplicate ids, negative amounts and 1,001 sales whole, applying nothing', async () => {
    const variantId = await product(5);
    const t = await till();
    const one = offline(variantId);
    const dup = await post(t.token, [one, offline(variantId), { ...one }]);
    expect(codes(dup)).toEqual(['BAD_USER_INPUT']);
    expect(dup.errors![0]!.extensions).toMatchObject({ reason: 'DUPLICATE_CLIENT_ID', argument: 'sales.2.clientId' });
    const negative = await post(t.token, [offline(variantId), offline(variantId, 1, -100)]);
    expect(codes(negative)).toEqual(['BAD_USER_INPUT']);
    const many = await post(
      t.token,
      Array.from({ length: 1001 }, (_, i) => ({ ...offline(variantId), clientId: `bulk-${i}-${Date.now().toString(36)}` })),
    );
    expect(codes(many)).toEqual(['BAD_USER_INPUT']);
    expect(await ledger(variantId)).toEqual({ sales: [], level: [5, 0] });
    expect(await ordersOf(t.id)).toBe(0);
  });

  it('rejects a sale of a variant the channel does not sell and applies the others', async () => {
    const variantId = await product(5);
    const elsewhere = await createTestProduct({ channels: ['web-eu'], name: 'Not at the till' });
    const t = await till();
    const good = offline(variantId);
    const bad = offline(elsewhere.variants[0]!.id as string);
    const results = data(await post(t.token, [good, bad])).postOfflineSales.results;
    expect(results.map((r: any) => [r.clientId, r.status])).toEqual([
      [good.clientId, 'APPLIED'],
      [bad.clientId, 'REJECTED'],
    ]);
    expect(results[1].reason).toBe(`variant ${elsewhere.variants[0]!.id} is not sold or priced in pos-berlin`);
    expect(await ledger(variantId)).toEqual({ sales: [-1], level: [4, 0] });
    expect(await ordersOf(t.id)).toBe(1);
  });
});
