import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data, key, op, readyCart, testIdentity } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, HAMBURG, priceVariant, receive } from './stock-support.ts';

/**
 * Orders bought online, returned at a till (issue #15, item 3): where the order's channel allows it at the till's
 * channel (the test system lists web-eu:pos-berlin in ORDERS_TILL_RETURNS: one realm, one currency), the till looks
 * the order up by its number, the units come back into the till's shop and the money goes back to the order's
 * own payment, not the drawer. A web-us order is refused ONLINE_ORDER; one not yet shipped NOT_SHIPPED.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const shopper = testIdentity('pos-online-return');
const NEW_JERSEY = 'loc_wh_newjersey';
const NEW_YORK = { name: 'Ben Carter', line1: '350 Fifth Avenue', postalCode: '10118', city: 'New York', region: 'NY', country: 'US' };
let token = '';
let euStaff = '';
let variantId = '';

const tillReturn = (input: Record<string, unknown>) => bff('pos', 'TillReturn', { input }, { token });

async function place(channel: 'web-eu' | 'web-us', quantity: number) {
  const auth = { token: shopper.token, channel };
  const cart = await readyCart('b2c', auth, [{ variantId, quantity }]);
  if (channel === 'web-us')
    data(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: NEW_YORK, shippingMethod: 'standard' } }, auth));
  const total = data(await op('b2c', 'Cart', { id: cart.id }, auth)).cart.totals.total;
  const input = { cartId: cart.id, idempotencyKey: key('online'), expectedTotal: total, payment: { provider: 'manual' } };
  const placed = data(await op('b2c', 'PlaceOrder', { input }, auth)).placeOrder;
  expect(placed.__typename, JSON.stringify(placed)).toBe('OrderPlaced');
  return { id: placed.order.id as string, number: placed.order.number as string };
}

async function ship(orderId: string) {
  const [shipment] = await sql<{ id: string }[]>`select id from orders.shipments where order_id = ${orderId}`;
  const id = shipment!.id;
  for (const status of ['PICKING', 'PACKED', 'SHIPPED']) {
    const input = { shipmentId: id, status, ...(status === 'SHIPPED' ? { carrier: 'DHL', trackingNumber: `PO${orderId.slice(-6)}` } : {}) };
    expect(data(await bff('admin', 'SetShipmentStatus', { input }, { token: euStaff, channel: 'web-eu' })).setShipmentStatus.__typename).toBe(
      'ShipmentChanged',
    );
  }
}

async function onHand() {
  const rows = await sql<{ location_id: string; on_hand: number }[]>`
    select location_id, on_hand from stock.levels where variant_id = ${variantId} order by location_id`;
  return Object.fromEntries(rows.map((r) => [r.location_id, r.on_hand]));
}

beforeAll(async () => {
  const admin = await createStaff('pos-online-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  euStaff = (await staffSession((await createStaff('pos-online-eu', ['order-admin'], ['web-eu'])).email)).token;
  const cashier = await registerTillStaff(staffToken, 'CASHIER', '5678');
  const till = await registerTill(staffToken, BERLIN);
  token = await tillToken(till, cashier.staffCode, cashier.pin);
  expect(data(await bff('pos', 'OpenTillSession', { openingFloat: 10000 }, { token })).openTillSession.__typename).toBe('TillSession');
  const created = await createTestProduct({ channels: ['web-eu', 'web-us'], name: 'Online return product' });
  variantId = created.variants[0]!.id as string;
  // 20.00 EUR gross, 22.00 USD net; 5 in Hamburg (web-eu ships from there), 5 in New Jersey (web-us).
  await priceVariant(variantId, { eur: 2000, usd: 2200 });
  await receive(variantId, HAMBURG, 5);
  await receive(variantId, NEW_JERSEY, 5);
});

afterAll(async () => {
  await sql.end();
});

describe('an online order returned at the till', () => {
  it('takes a shipped web-eu order back into the Berlin shop and refunds its own payment', async () => {
    const order = await place('web-eu', 2);
    // Not shipped yet: the goods have not left, nothing is written.
    const early = data(await tillReturn({ idempotencyKey: key('oret'), receiptNumber: order.number, lines: [{ lineNo: 1, quantity: 1 }] })).tillReturn;
    expect(early).toMatchObject({ __typename: 'TillReturnRefused', reason: 'NOT_SHIPPED' });
    await ship(order.id);
    // Hamburg 5 - 2 = 3 after shipping; nothing in Berlin yet.
    expect(await onHand()).toEqual({ [HAMBURG]: 3, [NEW_JERSEY]: 5 });

    const input = { idempotencyKey: key('oret'), receiptNumber: order.number, lines: [{ lineNo: 1, quantity: 1 }] };
    const back = data(await tillReturn(input)).tillReturn;
    // 1 of the 2 units paid 40.00 for the line: 20.00, back to the manual payment the order was paid with
    // (shipping is not refunded at the counter).
    expect(back).toMatchObject({
      __typename: 'TillReturnReceipt',
      returnNumber: `${order.number}-R1`,
      receiptNumber: order.number,
      orderId: order.id,
      locationId: BERLIN,
      lines: [{ lineNo: 1, variantId, quantity: 1, refund: eur(2000) }],
      total: eur(2000),
      refunds: [{ method: 'ONLINE_PAYMENT', amount: eur(2000) }],
      restocked: true,
    });
    // Into the till's shop, not the warehouse it left: one RETURN of +1 in Berlin.
    expect(await onHand()).toEqual({ [BERLIN]: 1, [HAMBURG]: 3, [NEW_JERSEY]: 5 });
    const returns = await sql`select location_id, delta_on_hand from stock.movements where variant_id = ${variantId} and kind = 'RETURN'`;
    expect(returns).toEqual([{ location_id: BERLIN, delta_on_hand: 1 }]);
    const [row] = await sql`select status, refunded_total::int as refunded from orders.orders where id = ${order.id}`;
    expect(row).toEqual({ status: 'PARTIALLY_RETURNED', refunded: 2000 });
    // The till's drawer paid nothing out: its returns hold no cash.
    const [drawer] = await sql`select coalesce(sum(cash_refunded), 0)::int as cash from orders.till_returns where order_id = ${order.id}`;
    expect(drawer!.cash).toBe(0);
    const issued = await sql`select (data->'amount'->>'amount')::int as amount from orders.outbox where aggregate_id = ${order.id} and type = 'refund.issued'`;
    expect(issued.map((r) => r.amount)).toEqual([2000]);

    // A retry answers the same return; more than the one unit left is refused.
    expect(data(await tillReturn(input)).tillReturn).toEqual(back);
    const more = data(await tillReturn({ ...input, idempotencyKey: key('oret'), lines: [{ lineNo: 1, quantity: 2 }] })).tillReturn;
    expect(more).toMatchObject({ __typename: 'TillReturnRefused', reason: 'EXCEEDS_REMAINING', lineNo: 1 });
    expect(await onHand()).toEqual({ [BERLIN]: 1, [HAMBURG]: 3, [NEW_JERSEY]: 5 });
  });

  it('refuses an order of a channel that does not allow returns at this till, writing nothing', async () => {
    const order = await place('web-us', 1);
    const res = data(await tillReturn({ idempotencyKey: key('oret'), receiptNumber: order.number, lines: [{ lineNo: 1, quantity: 1 }] })).tillReturn;
    expect(res).toEqual({ __typename: 'TillReturnRefused', reason: 'ONLINE_ORDER', message: res.message, lineNo: null });
    const [n] = await sql`select count(*)::int as n from orders.till_returns where order_id = ${order.id}`;
    expect(n!.n).toBe(0);
  });
});
