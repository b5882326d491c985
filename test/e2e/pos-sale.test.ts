import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { cardIntents, data, key } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillToken, type TestTill } from './pos-support.ts';
import { BERLIN, MUNICH, priceVariant, receive } from './stock-support.ts';

/**
 * A sale at the till (issue #15, part 2), through the POS BFF by name: priced in the POS channel, sold at once
 * from the till's own shop as SALE movements there, paid in cash (with change), by card (the card provider's
 * stand-in) or split, with a receipt; the idempotency key sells once however often the till sends it.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
// 23.80 EUR gross each (19 % German VAT in it).
const UNIT = 2380;
let staffToken = '';
let cashier: { id: string; staffCode: string; pin: string };

/** A variant of this file's own sold in the Berlin shop's channel, with units where asked. */
async function product(units: Record<string, number>) {
  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Till sale product' });
  const variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  for (const [locationId, quantity] of Object.entries(units)) await receive(variantId, locationId, quantity);
  return { variantId, sku: created.input.variants[0]!.sku as string };
}

/** A till of its own at `locationId` with a cashier signed in and its drawer opened with `float`. */
async function openTill(locationId = BERLIN, float = 10000): Promise<{ till: TestTill; token: string }> {
  const till = await registerTill(staffToken, locationId);
  const token = await tillToken(till, cashier.staffCode, cashier.pin);
  expect(data(await bff('pos', 'OpenTillSession', { openingFloat: float }, { token })).openTillSession.__typename).toBe('TillSession');
  return { till, token };
}

async function levels(variantId: string) {
  const rows = await sql<{ location_id: string; on_hand: number; reserved: number }[]>`
    select location_id, on_hand, reserved from stock.levels where variant_id = ${variantId} order by location_id`;
  return Object.fromEntries(rows.map((r) => [r.location_id, [r.on_hand, r.reserved]]));
}

async function sales(variantId: string) {
  return sql<{ location_id: string; delta_on_hand: number }[]>`
    select location_id, delta_on_hand from stock.movements where variant_id = ${variantId} and kind = 'SALE' order by id`;
}

const sale = (token: string, input: Record<string, unknown>) => bff('pos', 'TillSale', { input }, { token });

beforeAll(async () => {
  const admin = await createStaff('pos-sale-admin', ['staff-admin'], ['pos-berlin']);
  staffToken = (await staffSession(admin.email)).token;
  cashier = await registerTillStaff(staffToken, 'CASHIER', '1357');
});

afterAll(() => sql.end());

describe('a cash sale', () => {
  it('sells two units from the Berlin shop, gives change from 50.00 and prints the receipt', async () => {
    const { variantId, sku } = await product({ [BERLIN]: 5, [MUNICH]: 7 });
    const { till, token } = await openTill();
    const idempotencyKey = key('cash');
    // 2 x 23.80 = 47.60; VAT in it 47.60 x 19 / 119 = 7.60; 50.00 cash - 47.60 = 2.40 change.
    const receipt = data(
      await sale(token, { idempotencyKey, lines: [{ variantId, quantity: 2 }], expectedTotal: eur(4760), tenders: [{ method: 'CASH', amount: 5000 }] }),
    ).tillSale;
    expect(receipt).toEqual({
      __typename: 'Receipt',
      receiptNumber: receipt.receiptNumber,
      orderId: receipt.orderId,
      clientId: idempotencyKey,
      tillId: till.id,
      locationId: BERLIN,
      cashierId: cashier.id,
      soldAt: receipt.soldAt,
      lines: [{ lineNo: 1, variantId, sku, quantity: 2, unitPrice: eur(2380), discount: eur(0), tax: eur(760), lineTotal: eur(4760) }],
      subtotal: eur(4760),
      discountTotal: eur(0),
      tax: eur(760),
      total: eur(4760),
      tenders: [{ method: 'CASH', amount: eur(5000) }],
      change: eur(240),
      manualDiscount: eur(0),
      discountApprovedBy: null,
      text: receipt.text,
    });
    expect(receipt.receiptNumber).toMatch(/^POS-BERLIN-\d{6,}$/);
    expect(receipt.text).toContain(`Receipt ${receipt.receiptNumber}\n`);
    expect(receipt.text).toContain('\nCHANGE                              2.40\n');
    // Two units left the Berlin shop as one SALE movement there; Munich's seven are untouched.
    expect(await sales(variantId)).toEqual([{ location_id: BERLIN, delta_on_hand: -2 }]);
    expect(await levels(variantId)).toEqual({ [BERLIN]: [3, 0], [MUNICH]: [7, 0] });
    const [order] = await sql`select status, owner, total::int as total, pickup_location_id from orders.orders where id = ${receipt.orderId}`;
    expect(order).toEqual({ status: 'COMPLETED', owner: `till:${till.id}`, total: 4760, pickup_location_id: BERLIN });
    const shipments = await sql`select id from orders.shipments where order_id = ${receipt.orderId}`;
    expect(shipments).toHaveLength(0);
  });

  it('sells once when the same key is sent again and five times at once, and refuses the key for another sale', async () => {
    const { variantId } = await product({ [BERLIN]: 4 });
    const { till, token } = await openTill();
    const input = { idempotencyKey: key('dup'), lines: [{ variantId, quantity: 1 }], expectedTotal: eur(UNIT), tenders: [{ method: 'CASH', amount: UNIT }] };
    const answers = await Promise.all(Array.from({ length: 5 }, () => sale(token, input)));
    const again = await sale(token, input);
    const numbers = [...answers, again].map((a) => data(a).tillSale.receiptNumber);
    expect(new Set(numbers).size).toBe(1);
    expect(await sales(variantId)).toEqual([{ location_id: BERLIN, delta_on_hand: -1 }]);
    const orders = await sql`select count(*)::int as n from orders.orders where owner = ${`till:${till.id}`}`;
    expect(orders[0]!.n).toBe(1);
    const reused = await sale(token, {
      ...input,
      lines: [{ variantId, quantity: 2 }],
      expectedTotal: eur(2 * UNIT),
      tenders: [{ method: 'CASH', amount: 2 * UNIT }],
    });
    expect(codes(reused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await levels(variantId)).toEqual({ [BERLIN]: [3, 0] });
  });

  it('counts the sale into the drawer: 100.00 float + 47.60 cash kept = 147.60 expected at close', async () => {
    const { variantId } = await product({ [BERLIN]: 2 });
    const { token } = await openTill(BERLIN, 10000);
    data(
      await sale(token, {
        idempotencyKey: key('drawer'),
        lines: [{ variantId, quantity: 2 }],
        expectedTotal: eur(4760),
        tenders: [{ method: 'CASH', amount: 5000 }],
      }),
    );
    // Counted 147.50: 0.10 short.
    const closed = data(await bff('pos', 'CloseTillSession', { countedCash: 14750 }, { token })).closeTillSession;
    expect(closed).toMatchObject({ status: 'CLOSED', expectedCash: eur(14760), countedCash: eur(14750), cashDifference: eur(-10) });
  });
});

describe('what a till may not do', () => {
  it("cannot sell another shop's stock: Munich's units are not the Berlin till's", async () => {
    const { variantId } = await product({ [MUNICH]: 4 });
    const { token } = await openTill();
    const res = data(
      await sale(token, {
        idempotencyKey: key('munich'),
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(UNIT),
        tenders: [{ method: 'CASH', amount: UNIT }],
      }),
    );
    expect(res.tillSale).toEqual({ __typename: 'InsufficientStock', lines: [{ variant: { id: variantId }, requested: 1, available: 0 }] });
    expect(await levels(variantId)).toEqual({ [MUNICH]: [4, 0] });
    expect(await sales(variantId)).toEqual([]);
  });

  it("refuses a till whose shop is none of its channel's, and writes nothing", async () => {
    const { variantId } = await product({ [MUNICH]: 4 });
    // Registered on the Berlin channel but standing in Munich: the channel does not sell from there.
    const { token } = await openTill(MUNICH);
    const res = await sale(token, {
      idempotencyKey: key('rogue'),
      lines: [{ variantId, quantity: 1 }],
      expectedTotal: eur(UNIT),
      tenders: [{ method: 'CASH', amount: UNIT }],
    });
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(await levels(variantId)).toEqual({ [MUNICH]: [4, 0] });
    expect(await sales(variantId)).toEqual([]);
  });

  it('refuses short tenders, a stale total and a till with no open drawer, holding nothing', async () => {
    const { variantId } = await product({ [BERLIN]: 3 });
    const { token } = await openTill();
    const short = data(
      await sale(token, {
        idempotencyKey: key('short'),
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(UNIT),
        tenders: [{ method: 'CASH', amount: UNIT - 1 }],
      }),
    );
    expect(short.tillSale).toEqual({ __typename: 'TenderRefused', reason: 'SHORT', message: 'the tenders leave 1 minor units unpaid' });
    const stale = data(
      await sale(token, {
        idempotencyKey: key('stale'),
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(2000),
        tenders: [{ method: 'CASH', amount: 2000 }],
      }),
    );
    expect(stale.tillSale).toEqual({ __typename: 'PriceChanged', expected: eur(2000), actual: eur(UNIT) });
    const closedTill = await registerTill(staffToken, BERLIN);
    const closedToken = await tillToken(closedTill, cashier.staffCode, cashier.pin);
    const notOpen = data(
      await sale(closedToken, {
        idempotencyKey: key('closed'),
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(UNIT),
        tenders: [{ method: 'CASH', amount: UNIT }],
      }),
    );
    expect(notOpen.tillSale).toEqual({ __typename: 'TillSessionConflict', message: 'open the till (a cash session) before selling' });
    expect(await levels(variantId)).toEqual({ [BERLIN]: [3, 0] });
  });
});

describe('card and split tenders', () => {
  it('takes 20.00 by card and 30.00 in cash for 47.60: the card is captured, 2.40 change', async () => {
    const { variantId } = await product({ [BERLIN]: 2 });
    const { till, token } = await openTill();
    const idempotencyKey = key('split');
    const receipt = data(
      await sale(token, {
        idempotencyKey,
        lines: [{ variantId, quantity: 2 }],
        expectedTotal: eur(4760),
        tenders: [
          { method: 'CARD', amount: 2000, cardToken: 'tok_visa' },
          { method: 'CASH', amount: 3000 },
        ],
      }),
    ).tillSale;
    expect(receipt.tenders).toEqual([
      { method: 'CARD', amount: eur(2000) },
      { method: 'CASH', amount: eur(3000) },
    ]);
    expect(receipt.change).toEqual(eur(240));
    const intents = await cardIntents(`till:${till.id}:${idempotencyKey}`);
    expect(intents.map((i) => [i.status, i.amount])).toEqual([['succeeded', 2000]]);
    expect(await levels(variantId)).toEqual({ [BERLIN]: [0, 0] });
  });

  it('sells nothing when the card is declined: the hold is released', async () => {
    const { variantId } = await product({ [BERLIN]: 2 });
    const { token } = await openTill();
    const res = data(
      await sale(token, {
        idempotencyKey: key('declined'),
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(UNIT),
        tenders: [{ method: 'CARD', amount: UNIT, cardToken: 'tok_declined' }],
      }),
    );
    expect(res.tillSale.__typename).toBe('PaymentDeclined');
    expect(await levels(variantId)).toEqual({ [BERLIN]: [2, 0] });
    expect(await sales(variantId)).toEqual([]);
  });
});
