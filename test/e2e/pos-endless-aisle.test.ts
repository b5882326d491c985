import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, type GraphQLResponse, sqlClient } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { BERLIN_ADDRESS, data, key, op, testIdentity } from './checkout-support.ts';
import { POS_WALKS, registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, gateway, HAMBURG, levelsMatchLedger, MUNICH, ok, priceVariant, receive, STAFF, withContentionSampler } from './stock-support.ts';

/**
 * Endless aisle (issue #15, item 5): a variant the Berlin shop does not have shows, on its till, the shops and
 * warehouses holding it, nearest first; the cashier then places the order at the till, through the normal cart
 * and checkout of the till's own channel (pos-berlin, its prices), naming the location the units come from.
 */

const sql = sqlClient();
const ran = new Set<string>();
const shopper = testIdentity('pos-aisle');
const member = testIdentity('pos-aisle-member');
const NEW_JERSEY = 'loc_wh_newjersey';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const tokens: string[] = [];
let variantId = '';

type Auth = { token: string; headers?: Record<string, string> };
const till = (i = 0, headers?: Record<string, string>): Auth => ({ token: tokens[i]!, headers });
const nearby = async (id = variantId) => {
  ran.add('TillNearbyStock');
  return data(await bff('pos', 'TillNearbyStock', { variantId: id }, till())).tillNearbyStock;
};
/** A cart at the till with one line and the given details (source, delivery or pickup). */
async function aisleCart(auth: Auth, variant: string, quantity: number, details: Record<string, unknown>) {
  const cart = data(await bff('pos', 'CreateCart', { email: 'aisle@example.com' }, auth)).createCart;
  data(await bff('pos', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: variant, quantity }] }, auth));
  return data(await bff('pos', 'SetCartDetails', { cartId: cart.id, input: details }, auth)).setCartDetails;
}
const place = (auth: Auth, cartId: string, idempotencyKey: string, total: number, payment: Record<string, string> = { provider: 'manual' }) =>
  bff('pos', 'PlaceOrder', { input: { cartId, idempotencyKey, expectedTotal: eur(total), payment } }, auth);
/** Levels by location id (the ledger checked against them): Munich, Hamburg, New Jersey sort as loc_munich_shop, loc_wh_... */
const levels = async (id: string) => (await levelsMatchLedger([id])).map((l) => [l.location_id, l.on_hand, l.reserved]);
const reason = (res: GraphQLResponse) => (res.errors ?? []).map((e) => [e.extensions?.code, e.extensions?.reason]);
const DELIVERY = { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' };

beforeAll(async () => {
  const admin = await createStaff('pos-aisle-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  // Two tills in the Berlin shop, each with its own cashier signed in.
  for (const pin of ['4321', '4322']) {
    const cashier = await registerTillStaff(staffToken, 'CASHIER', pin);
    tokens.push(await tillToken(await registerTill(staffToken, BERLIN), cashier.staffCode, cashier.pin));
  }
  const created = await createTestProduct({ channels: ['web-eu', 'pos-berlin'], name: 'Endless aisle product' });
  variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: 2380, usd: 2600 });
  // None in Berlin; 2 in Munich, 3 in Hamburg, 5 in New Jersey.
  for (const [locationId, quantity] of [
    [MUNICH, 2],
    [HAMBURG, 3],
    [NEW_JERSEY, 5],
  ] as const)
    await receive(variantId, locationId, quantity);
});

afterAll(async () => {
  expect(POS_WALKS.aisle.filter((n) => !ran.has(n))).toEqual([]);
  await sql.end();
});

describe('the endless aisle at the till', () => {
  it('shows the shops and warehouses holding a variant nearest first', async () => {
    // Great-circle distances from the Berlin flagship (52.5035, 13.3324), by hand with the haversine formula and
    // R = 6371.0088 km: Hamburg (53.5436, 9.9887) 251.7 km, Munich (48.1374, 11.5733) 501.3 km,
    // New Jersey (40.7357, -74.1724) 6389.8 km.
    expect(await nearby()).toEqual([
      { location: { id: HAMBURG, name: 'Hamburg warehouse', kind: 'WAREHOUSE', pickup: false }, available: 3, distanceKm: 251.7 },
      { location: { id: MUNICH, name: 'Munich shop', kind: 'SHOP', pickup: true }, available: 2, distanceKm: 501.3 },
      { location: { id: NEW_JERSEY, name: 'New Jersey warehouse', kind: 'WAREHOUSE', pickup: false }, available: 5, distanceKm: 6389.8 },
    ]);
  });

  it('places one pos-berlin order for delivery from Hamburg at the till’s price, shipped from there; a retry gives the same order', async () => {
    // The customer is attached (their own token, scanned): the order is theirs too.
    const auth = till(0, { 'x-till-customer': member.token });
    const cart = await aisleCart(auth, variantId, 1, { ...DELIVERY, sourceLocationId: HAMBURG });
    // 1 x 23.80 + standard shipping 4.90 (free only from 50.00) = 28.70 gross; VAT in it (19 %, tax-inclusive as
    // pos-berlin sells): goods 2380 x 19 / 119 = 380 -> 3.80, shipping 490 x 19 / 119 = 78.2 -> 0.78, 4.58 in all.
    expect(cart).toMatchObject({ sourceLocationId: HAMBURG, problems: [] });
    expect(cart.totals).toEqual({ taxIncluded: true, subtotal: eur(2380), discount: eur(0), shipping: eur(490), tax: eur(458), total: eur(2870) });
    const idempotencyKey = key('aisle');
    const placed = data(await place(auth, cart.id, idempotencyKey, 2870, { provider: 'card', token: 'tok_visa' })).placeOrder;
    expect(placed.__typename, JSON.stringify(placed)).toBe('OrderPlaced');
    const order = placed.order;
    expect(order).toMatchObject({ status: 'PLACED', taxIncluded: true, shippingTotal: eur(490), taxTotal: eur(458), total: eur(2870) });
    expect(order.payment).toEqual({ provider: 'card', status: 'AUTHORIZED' });
    expect(order.lines).toMatchObject([{ quantity: 1, unitPrice: eur(2380), tax: eur(380), lineTotal: eur(2380), variant: { id: variantId } }]);

    const again = data(await place(auth, cart.id, idempotencyKey, 2870, { provider: 'card', token: 'tok_visa' })).placeOrder;
    expect(again.order.id).toBe(order.id);
    // One order, in the till's channel, the customer's; its units reserved (and now sold) in Hamburg, its one
    // shipment leaving from there.
    const rows = await sql`select id, channel, customer_id from orders.orders where customer_id = ${member.sub}`;
    expect(rows.map((r) => ({ ...r }))).toEqual([{ id: order.id, channel: 'pos-berlin', customer_id: member.sub }]);
    const held = await sql`select a.location_id, a.quantity, r.status from stock.reservation_allocations a
      join stock.reservations r on r.id = a.reservation_id join orders.orders o on o.reservation_id = r.id where o.id = ${order.id}`;
    expect(held.map((r) => ({ ...r }))).toEqual([{ location_id: HAMBURG, quantity: 1, status: 'CONFIRMED' }]);
    const shipped = await sql`select location_id, pickup from orders.shipments where order_id = ${order.id}`;
    expect(shipped.map((r) => ({ ...r }))).toEqual([{ location_id: HAMBURG, pickup: false }]);
    // Hamburg 3 - 1 = 2 on hand; Munich and New Jersey untouched; Berlin still has no level at all.
    expect(await levels(variantId)).toEqual([
      [MUNICH, 2, 0],
      [HAMBURG, 2, 0],
      [NEW_JERSEY, 5, 0],
    ]);
    // Hamburg's order staff for pos-berlin find the parcel in their queue and start picking it.
    const ops = (await staffSession((await createStaff('pos-aisle-ops', ['order-admin'], ['pos-berlin'])).email)).token;
    const staffAuth = { token: ops, channel: 'pos-berlin' };
    const queue = data(await bff('admin', 'ShipmentQueue', { locationId: HAMBURG, first: 200 }, staffAuth)).shipmentQueue;
    const parcel = queue.filter((q: { order: { id: string } }) => q.order.id === order.id);
    expect(parcel).toMatchObject([{ location: { id: HAMBURG }, status: 'PENDING', pickup: false, lines: [{ variant: { id: variantId }, quantity: 1 }] }]);
    const picking = data(await bff('admin', 'SetShipmentStatus', { input: { shipmentId: parcel[0].id, status: 'PICKING' } }, staffAuth)).setShipmentStatus;
    expect(picking).toMatchObject({ __typename: 'ShipmentChanged', shipment: { status: 'PICKING' } });
    // The customer sees it among their orders on the web shop.
    const mine = data(await op('b2c', 'MyOrders', { first: 5 }, member)).myOrders.nodes;
    expect(mine.map((o: { id: string; total: unknown }) => [o.id, o.total])).toEqual([[order.id, eur(2870)]]);
  });

  it('answers InsufficientStock when the source has too few units for the till (other channels’ fences kept), and writes nothing', async () => {
    const movements = async () => (await sql`select count(*)::int as n from stock.movements where variant_id = ${variantId}`)[0]!.n;
    const before = await movements();
    const cart = await aisleCart(till(), variantId, 3, { ...DELIVERY, sourceLocationId: MUNICH });
    // 3 x 23.80 = 71.40, shipping free from 50.00.
    const short = data(await place(till(), cart.id, key('aisle-short'), 7140)).placeOrder;
    expect(short).toEqual({ __typename: 'InsufficientStock', lines: [{ variant: { id: variantId }, requested: 3, available: 2 }] });
    expect(await movements()).toBe(before);
    expect(await sql`select id from orders.orders where checkout_id in (select id from orders.checkouts where cart_id = ${cart.id})`).toHaveLength(0);
    expect(data(await bff('pos', 'Cart', { id: cart.id }, till())).cart.status).toBe('ACTIVE');
    // Another channel's ring-fence holds at the source too: trade-eu fences 1 of Hamburg's 2, so the till gets 1.
    const FENCE = 'mutation($input: SetStockFenceInput!) { setStockFence(input: $input) { remaining } }';
    ok(await gateway('web-eu', FENCE, { input: { channel: 'trade-eu', variantId, locationId: HAMBURG, quantity: 1 } }, STAFF));
    const fenced = await aisleCart(till(), variantId, 2, { ...DELIVERY, sourceLocationId: HAMBURG });
    // 2 x 23.80 = 47.60 + shipping 4.90 (below 50.00) = 52.50.
    const kept = data(await place(till(), fenced.id, key('aisle-fenced'), 5250)).placeOrder;
    expect(kept).toEqual({ __typename: 'InsufficientStock', lines: [{ variant: { id: variantId }, requested: 2, available: 1 }] });
    expect(await movements()).toBe(before);
  });

  it('collects at the source shop when it is a pickup shop, and nowhere else', async () => {
    const elsewhere = await aisleCart(till(), variantId, 1, { pickupLocationId: MUNICH, shippingMethod: 'pickup', sourceLocationId: HAMBURG });
    const refused = data(await place(till(), elsewhere.id, key('aisle-elsewhere'), 2380)).placeOrder;
    expect(refused.__typename).toBe('CartNotReady');
    expect(refused.problems.map((p: { code: string }) => p.code)).toEqual(['PICKUP_NOT_AVAILABLE']);
    const cart = await aisleCart(till(), variantId, 1, { pickupLocationId: MUNICH, shippingMethod: 'pickup', sourceLocationId: MUNICH });
    // 23.80, no shipping; VAT 3.80 in it.
    const placed = data(await place(till(), cart.id, key('aisle-pickup'), 2380)).placeOrder;
    expect(placed.__typename, JSON.stringify(placed)).toBe('OrderPlaced');
    expect(placed.order).toMatchObject({ pickupLocationId: MUNICH, shippingTotal: eur(0), taxTotal: eur(380), total: eur(2380) });
    const shipped = await sql`select location_id, pickup from orders.shipments where order_id = ${placed.order.id}`;
    expect(shipped.map((r) => ({ ...r }))).toEqual([{ location_id: MUNICH, pickup: true }]);
  });

  it('refuses a source location from anyone but a till, and the till’s own shop from the till, writing nothing', async () => {
    const cart = data(await op('b2c', 'CreateCart', { email: 'web@example.com' }, shopper)).createCart;
    const web = await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { sourceLocationId: MUNICH } }, shopper);
    expect(reason(web)).toEqual([['FORBIDDEN', 'SOURCE_LOCATION_TILL_ONLY']]);
    expect(data(await op('b2c', 'Cart', { id: cart.id }, shopper)).cart).toMatchObject({ version: cart.version, sourceLocationId: null });
    const reserve = await op(
      'b2c',
      'ReserveStock',
      { input: { idempotencyKey: key('web'), lines: [{ variantId, quantity: 1 }], sourceLocationId: MUNICH } },
      shopper,
    );
    expect(reason(reserve)).toEqual([['FORBIDDEN', 'SOURCE_LOCATION_TILL_ONLY']]);
    const own = await aisleCart(till(), variantId, 1, DELIVERY);
    const ownShop = await bff('pos', 'SetCartDetails', { cartId: own.id, input: { sourceLocationId: BERLIN } }, till());
    expect(reason(ownShop)).toEqual([['BAD_USER_INPUT', 'SOURCE_LOCATION_NOT_ALLOWED']]);
    // Munich holds 1 after the pickup above (2 - 1), nothing reserved by any of these.
    expect(await levels(variantId)).toEqual([
      [MUNICH, 1, 0],
      [HAMBURG, 2, 0],
      [NEW_JERSEY, 5, 0],
    ]);
  });

  it('sells exactly the last 3 units at the source when two tills race 6 orders for them', async () => {
    const racer = (await createTestProduct({ channels: ['pos-berlin'], name: 'Aisle race product' })).variants[0]!.id as string;
    await priceVariant(racer, { eur: 1000 });
    await receive(racer, HAMBURG, 3);
    expect((await nearby(racer)).map((n: { location: { id: string }; available: number }) => [n.location.id, n.available])).toEqual([[HAMBURG, 3]]);
    // 10.00 + shipping 4.90 = 14.90 each; carts first, so that only the checkouts race.
    const carts = await Promise.all(
      [0, 1, 0, 1, 0, 1].map(async (t) => ({ t, cart: await aisleCart(till(t), racer, 1, { ...DELIVERY, sourceLocationId: HAMBURG }) })),
    );
    const { result, distinctBusy } = await withContentionSampler(() => Promise.all(carts.map(({ t, cart }) => place(till(t), cart.id, key('race'), 1490))));
    const kinds = result.map((r) => data(r).placeOrder.__typename).sort();
    console.log(`[aisle race] ${kinds.join(', ')}; ${distinctBusy} stock backends worked on it`);
    expect(distinctBusy).toBeGreaterThan(1);
    expect(kinds).toEqual(['InsufficientStock', 'InsufficientStock', 'InsufficientStock', 'OrderPlaced', 'OrderPlaced', 'OrderPlaced']);
    expect(await levels(racer)).toEqual([[HAMBURG, 0, 0]]);
  });
});
