import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient, system } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { cardIntents, data, key, op, readyCart, sellable, testCustomer } from './checkout-support.ts';
import { POS_WALKS, registerTill, registerTillStaff, tillToken, type TestTill } from './pos-support.ts';
import { BERLIN, MUNICH, priceVariant, receive } from './stock-support.ts';

/**
 * Returns at the till with the sale's receipt (issue #15, item 3), through the POS BFF by name: the units come
 * back into the till's own shop as RETURN movements, never more than sold less returned before; the money goes
 * back to the sale's tenders (card through the card provider, cash out of the drawer), which the X report shows;
 * a receipt (structured and printable) for each return; the idempotency key returns once.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
// 23.80 EUR gross each (19 % German VAT in it).
const UNIT = 2380;
const ran = new Set<string>();
let staffToken = '';
let cashier: { id: string; staffCode: string; pin: string };

const pos = (token: string, name: string, variables: Record<string, unknown>) => {
  ran.add(name);
  return bff('pos', name, variables, { token });
};
const tillReturn = (token: string, input: Record<string, unknown>) => pos(token, 'TillReturn', { input });

async function product(units: Record<string, number>) {
  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Till return product' });
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

async function sell(token: string, input: Record<string, unknown>) {
  const r = data(await pos(token, 'TillSale', { input: { idempotencyKey: key('sale'), ...input } })).tillSale;
  expect(r.__typename, JSON.stringify(r)).toBe('Receipt');
  return r as { receiptNumber: string; orderId: string; clientId: string };
}

/** On hand per location. */
async function onHand(variantId: string) {
  const rows = await sql<{ location_id: string; on_hand: number }[]>`
    select location_id, on_hand from stock.levels where variant_id = ${variantId} order by location_id`;
  return Object.fromEntries(rows.map((r) => [r.location_id, r.on_hand]));
}

async function returnMovements(variantId: string) {
  return sql<{ location_id: string; delta_on_hand: number }[]>`
    select location_id, delta_on_hand from stock.movements where variant_id = ${variantId} and kind = 'RETURN' order by id`;
}

const returnsOf = async (orderId: string) => (await sql<{ n: number }[]>`select count(*)::int as n from orders.till_returns where order_id = ${orderId}`)[0]!.n;

beforeAll(async () => {
  const admin = await createStaff('pos-return-admin', ['staff-admin'], ['pos-berlin']);
  staffToken = (await staffSession(admin.email)).token;
  cashier = await registerTillStaff(staffToken, 'CASHIER', '2468');
});

afterAll(async () => {
  expect(POS_WALKS.returns.filter((n) => !ran.has(n))).toEqual([]);
  await sql.end();
});

describe('a return at the till with the receipt', () => {
  it('takes 2 of 3 back in cash into this shop, answers a retry the same, refuses more than is left, then takes the last', async () => {
    const { variantId, sku } = await product({ [BERLIN]: 5 });
    const { till, token } = await openTill(BERLIN, 10000);
    // 3 x 23.80 = 71.40, paid 80.00 cash, 8.60 change: 71.40 stays in the drawer.
    const sold = await sell(token, { lines: [{ variantId, quantity: 3 }], expectedTotal: eur(7140), tenders: [{ method: 'CASH', amount: 8000 }] });
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 2 });

    const input = { idempotencyKey: key('ret'), receiptNumber: sold.receiptNumber, lines: [{ lineNo: 1, quantity: 2 }] };
    const first = data(await tillReturn(token, input)).tillReturn;
    // Units 1..2 of 3 paid 71.40: floor(7140 x 2 / 3) - 0 = 47.60, all cash (the sale was cash).
    expect(first).toEqual({
      __typename: 'TillReturnReceipt',
      returnNumber: `${sold.receiptNumber}-R1`,
      receiptNumber: sold.receiptNumber,
      orderId: sold.orderId,
      clientId: input.idempotencyKey,
      tillId: till.id,
      locationId: BERLIN,
      cashierId: cashier.id,
      returnedAt: first.returnedAt,
      lines: [{ lineNo: 1, variantId, sku, quantity: 2, refund: eur(4760) }],
      total: eur(4760),
      refunds: [{ method: 'CASH', amount: eur(4760) }],
      restocked: true,
      text: first.text,
    });
    expect(first.text).toMatch(new RegExp(`^Return ${sold.receiptNumber}-R1\\nof receipt ${sold.receiptNumber}\\n`));
    expect(first.text).toContain('\nREFUND EUR                         47.60\n');
    expect(first.text).toContain('\n  CASH                             47.60\n');
    // Back on hand in Berlin: 2 + 2 = 4, as one RETURN movement of +2 there.
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 4 });
    expect(await returnMovements(variantId)).toEqual([{ location_id: BERLIN, delta_on_hand: 2 }]);

    const again = data(await tillReturn(token, input)).tillReturn;
    expect(again).toEqual(first);
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 4 });
    expect(codes(await tillReturn(token, { ...input, lines: [{ lineNo: 1, quantity: 1 }] }))).toEqual(['IDEMPOTENCY_KEY_REUSED']);

    // 3 sold, 2 back: 1 left, so 2 more is refused and nothing is written.
    const tooMany = data(await tillReturn(token, { ...input, idempotencyKey: key('ret'), lines: [{ lineNo: 1, quantity: 2 }] })).tillReturn;
    expect(tooMany).toEqual({ __typename: 'TillReturnRefused', reason: 'EXCEEDS_REMAINING', message: tooMany.message, lineNo: 1 });
    const noLine = data(await tillReturn(token, { ...input, idempotencyKey: key('ret'), lines: [{ lineNo: 2, quantity: 1 }] })).tillReturn;
    expect(noLine).toMatchObject({ __typename: 'TillReturnRefused', reason: 'UNKNOWN_LINE', lineNo: 2 });
    expect(await returnsOf(sold.orderId)).toBe(1);
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 4 });

    // The last unit: 7140 - 4760 = 23.80, so the three units' refunds add up to what was paid.
    const last = data(await tillReturn(token, { ...input, idempotencyKey: key('ret'), lines: [{ lineNo: 1, quantity: 1 }] })).tillReturn;
    expect(last).toMatchObject({ returnNumber: `${sold.receiptNumber}-R2`, total: eur(2380), refunds: [{ method: 'CASH', amount: eur(2380) }] });
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 5 });
    // The order follows: all 3 units back, 47.60 + 23.80 = 71.40 refunded, one refund.issued per return.
    const [order] = await sql`select status, refunded_total::int as refunded from orders.orders where id = ${sold.orderId}`;
    expect(order).toEqual({ status: 'RETURNED', refunded: 7140 });
    const issued = await sql`select (data->'amount'->>'amount')::int as amount from orders.outbox
      where aggregate_id = ${sold.orderId} and type = 'refund.issued' order by id`;
    expect(issued.map((r) => r.amount)).toEqual([4760, 2380]);

    // The X report: sales 71.40 cash; refunds 47.60 + 23.80 = 71.40 cash in 2 returns;
    // cash expected 100.00 + 71.40 - 71.40 = 100.00.
    const x = data(await pos(token, 'TillXReport', {})).currentTillSession.report;
    expect(x.salesByTender).toEqual([
      { method: 'CASH', count: 1, amount: eur(7140) },
      { method: 'CARD', count: 0, amount: eur(0) },
    ]);
    expect(x.refundsByTender).toEqual([
      { method: 'CASH', count: 2, amount: eur(7140) },
      { method: 'CARD', count: 0, amount: eur(0) },
    ]);
    expect(x.cashExpected).toEqual(eur(10000));
    expect(x.text).toContain('\nRefund CASH (2)                   -71.40\n');
  });

  it('pays a split sale back to the card that paid first, then cash, and the Z report counts both', async () => {
    const { variantId } = await product({ [BERLIN]: 2 });
    const { till, token } = await openTill(BERLIN, 5000);
    // 2 x 23.80 = 47.60: 10.00 on the card, 40.00 cash with 2.40 change, so 37.60 cash kept.
    const saleKey = key('split');
    const sold = await sell(token, {
      idempotencyKey: saleKey,
      lines: [{ variantId, quantity: 2 }],
      expectedTotal: eur(4760),
      tenders: [
        { method: 'CARD', amount: 1000, cardToken: 'tok_visa' },
        { method: 'CASH', amount: 4000 },
      ],
    });
    const back = data(
      await tillReturn(token, { idempotencyKey: key('ret'), receiptNumber: sold.receiptNumber, lines: [{ lineNo: 1, quantity: 2 }] }),
    ).tillReturn;
    // All of 47.60 back: 10.00 to the card, 37.60 in cash.
    expect(back).toMatchObject({
      __typename: 'TillReturnReceipt',
      total: eur(4760),
      refunds: [
        { method: 'CARD', amount: eur(1000) },
        { method: 'CASH', amount: eur(3760) },
      ],
      restocked: true,
    });
    const [intent] = await cardIntents(`till:${till.id}:${saleKey}`);
    const refunds = ((await (await fetch(`${system().cardProvider}/__standin/refunds?payment_intent=${intent!.id}`)).json()) as { data: { amount: number }[] })
      .data;
    expect(refunds.map((r) => r.amount)).toEqual([1000]);
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 2 });

    // Cash expected 50.00 + 37.60 - 37.60 = 50.00; counted 50.00: no difference.
    const closed = data(await pos(token, 'CloseTillSession', { countedCash: 5000 })).closeTillSession;
    expect(closed.report.refundsByTender).toEqual([
      { method: 'CASH', count: 1, amount: eur(3760) },
      { method: 'CARD', count: 1, amount: eur(1000) },
    ]);
    expect(closed.report.cashExpected).toEqual(eur(5000));
    expect(closed.report.cashDifference).toEqual(eur(0));
  });

  it('gives the last unit to one of two returns raced for it', async () => {
    const { variantId } = await product({ [BERLIN]: 1 });
    const { token } = await openTill();
    const sold = await sell(token, { lines: [{ variantId, quantity: 1 }], expectedTotal: eur(UNIT), tenders: [{ method: 'CASH', amount: UNIT }] });
    const answers = await Promise.all(
      [0, 1].map(
        async () =>
          data(await tillReturn(token, { idempotencyKey: key('race'), receiptNumber: sold.receiptNumber, lines: [{ lineNo: 1, quantity: 1 }] })).tillReturn,
      ),
    );
    expect(answers.map((a) => a.__typename).sort()).toEqual(['TillReturnReceipt', 'TillReturnRefused']);
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 1 });
    expect(await returnMovements(variantId)).toEqual([{ location_id: BERLIN, delta_on_hand: 1 }]);
  });
});

describe('what a till may not take back', () => {
  it("pays cash back out of this till's own drawer only: more than it holds is refused, and the goods stay sold", async () => {
    const { variantId } = await product({ [BERLIN]: 1 });
    const seller = await openTill(BERLIN);
    const sold = await sell(seller.token, { lines: [{ variantId, quantity: 1 }], expectedTotal: eur(UNIT), tenders: [{ method: 'CASH', amount: UNIT }] });
    // Another Berlin till opened with 10.00: the 23.80 cash refund is more than its drawer holds.
    const other = await openTill(BERLIN, 1000);
    const r = data(
      await tillReturn(other.token, { idempotencyKey: key('short'), receiptNumber: sold.receiptNumber, lines: [{ lineNo: 1, quantity: 1 }] }),
    ).tillReturn;
    expect(r).toMatchObject({ __typename: 'TillReturnRefused', reason: 'DRAWER_SHORT' });
    expect(await returnsOf(sold.orderId)).toBe(0);
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 0 });
    // The till that sold it holds 100.00 + 23.80: it pays the 23.80 back.
    const ok = data(
      await tillReturn(seller.token, { idempotencyKey: key('short'), receiptNumber: sold.receiptNumber, lines: [{ lineNo: 1, quantity: 1 }] }),
    ).tillReturn;
    expect(ok).toMatchObject({ __typename: 'TillReturnReceipt', refunds: [{ method: 'CASH', amount: eur(UNIT) }] });
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 1 });
  });

  it("refuses a Berlin sale at a Munich till: nothing goes into either shop's stock", async () => {
    const { variantId } = await product({ [BERLIN]: 2, [MUNICH]: 2 });
    const berlin = await openTill(BERLIN);
    const sold = await sell(berlin.token, { lines: [{ variantId, quantity: 1 }], expectedTotal: eur(UNIT), tenders: [{ method: 'CASH', amount: UNIT }] });
    const munich = await openTill(MUNICH);
    const r = data(
      await tillReturn(munich.token, { idempotencyKey: key('other'), receiptNumber: sold.receiptNumber, lines: [{ lineNo: 1, quantity: 1 }] }),
    ).tillReturn;
    expect(r).toMatchObject({ __typename: 'TillReturnRefused', reason: 'OTHER_SHOP', lineNo: null });
    expect(await returnsOf(sold.orderId)).toBe(0);
    // Berlin 2 - 1 sold = 1; Munich untouched.
    expect(await onHand(variantId)).toEqual({ [BERLIN]: 1, [MUNICH]: 2 });
  });

  it('refuses an online order by name and an unknown receipt, and bad input writes nothing', async () => {
    const { token } = await openTill();
    const variantId = await sellable({ eur: UNIT, stock: 1, channels: ['web-eu'] });
    const shopper = await testCustomer('tillret');
    const cart = await readyCart('b2c', shopper, [{ variantId, quantity: 1 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('online'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    // web-eu orders are returnable at pos-berlin's tills (ORDERS_TILL_RETURNS), but only once shipped:
    // pos-online-returns.test.ts takes one back.
    const unshipped = data(
      await tillReturn(token, { idempotencyKey: key('onl'), receiptNumber: placed.order.number, lines: [{ lineNo: 1, quantity: 1 }] }),
    ).tillReturn;
    expect(unshipped).toMatchObject({ __typename: 'TillReturnRefused', reason: 'NOT_SHIPPED' });
    // A web-us order is not: refused by name.
    const usVariant = await sellable({ eur: UNIT, usd: 2599, stock: 0, channels: ['web-us'] });
    await receive(usVariant, 'loc_wh_newjersey', 1);
    const us = { token: shopper.token, channel: 'web-us' };
    const usCart = await readyCart('b2c', us, [{ variantId: usVariant, quantity: 1 }]);
    const newYork = { name: 'Ben Carter', line1: '350 Fifth Avenue', postalCode: '10118', city: 'New York', region: 'NY', country: 'US' };
    const usReady = data(
      await op('b2c', 'SetCartDetails', { cartId: usCart.id, input: { shippingAddress: newYork, shippingMethod: 'standard' } }, us),
    ).setCartDetails;
    const usOrder = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: usCart.id, idempotencyKey: key('online-us'), expectedTotal: usReady.totals.total, payment: { provider: 'manual' } } },
        us,
      ),
    ).placeOrder;
    expect(usOrder.__typename).toBe('OrderPlaced');
    const online = data(
      await tillReturn(token, { idempotencyKey: key('onl'), receiptNumber: usOrder.order.number, lines: [{ lineNo: 1, quantity: 1 }] }),
    ).tillReturn;
    expect(online).toMatchObject({ __typename: 'TillReturnRefused', reason: 'ONLINE_ORDER' });
    const unknown = data(
      await tillReturn(token, { idempotencyKey: key('unk'), receiptNumber: 'POS-BERLIN-999999999', lines: [{ lineNo: 1, quantity: 1 }] }),
    ).tillReturn;
    expect(unknown).toMatchObject({ __typename: 'TillReturnRefused', reason: 'RECEIPT_NOT_FOUND' });

    const { variantId: v2 } = await product({ [BERLIN]: 2 });
    const sold = await sell(token, { lines: [{ variantId: v2, quantity: 2 }], expectedTotal: eur(4760), tenders: [{ method: 'CASH', amount: 4760 }] });
    const dup = await tillReturn(token, {
      idempotencyKey: key('bad'),
      receiptNumber: sold.receiptNumber,
      lines: [
        { lineNo: 1, quantity: 1 },
        { lineNo: 1, quantity: 1 },
      ],
    });
    expect(codes(dup)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await tillReturn(token, { idempotencyKey: key('bad'), receiptNumber: sold.receiptNumber, lines: [{ lineNo: 1, quantity: 0 }] }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await returnsOf(sold.orderId)).toBe(0);
    expect(await onHand(v2)).toEqual({ [BERLIN]: 0 });
  });
});
