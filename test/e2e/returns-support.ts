import { afterAll, expect } from 'vitest';
import { bff, system } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminSellable } from './admin-walk-support.ts';
import { BERLIN_ADDRESS, data, key, one, op, type TestIdentity } from './checkout-support.ts';

/**
 * The storefront return operations (b2c and b2b) are walked by name in allow-list-walk-admin-returns.test.ts,
 * with an order of that file's own; allow-list-walk.test.ts leaves them to it.
 */
export const RETURN_OPS = ['RequestReturn', 'OrderReturns'];

/**
 * What the returns files (allow-list-walk-admin-returns*.test.ts) share: their staff, products, coupon and
 * orders are made here, each file calling these for its own.
 */
export const HAMBURG = 'loc_wh_hamburg';
export const MUNICH = 'loc_munich_shop';
export const DEFAULT_POLICY = { channel: 'web-eu', windowDays: 30, restockingFeeKind: 'NONE', restockingFeeValue: 0, shippingRefund: 'WHOLE_ORDER' };

const STAFF = {
  setup: () => createStaff('ret-setup', ['catalog-admin', 'pricing-admin', 'stock-admin'], ['*']),
  eu: () => createStaff('ret-eu', ['order-admin'], ['web-eu']),
  us: () => createStaff('ret-us', ['order-admin', 'viewer'], ['web-us']),
  viewer: () => createStaff('ret-viewer', ['viewer'], ['web-eu']),
};

/** Signed-in staff of the file's own, one token per kind asked for. */
export async function returnStaff<K extends keyof typeof STAFF>(kinds: K[]): Promise<Record<K, string>> {
  const members = await Promise.all(kinds.map((kind) => STAFF[kind]()));
  const tokens = {} as Record<K, string>;
  for (const [i, kind] of kinds.entries()) tokens[kind] = (await staffSession(members[i]!.email)).token;
  return tokens;
}

/** a: 10.00, b: 15.00 (gross, web-eu), each with 6 units in Hamburg only: an order of both leaves in one parcel. */
export async function returnProducts(setupToken: string) {
  const a = (await adminSellable(setupToken, 'ret-a', { eur: 1000, stock: 6, channels: ['web-eu'] })).variantId;
  const b = (await adminSellable(setupToken, 'ret-b', { eur: 1500, stock: 6, channels: ['web-eu'] })).variantId;
  return { a, b };
}

/** A 20 % coupon of the file's own on web-eu's subtotal (exclusive, so nothing else applies with it). */
export async function returnCoupon(setupToken: string, K: string, coupon: string) {
  const promo = {
    id: `promo_t_returns_${K}`,
    channel: 'web-eu',
    name: 'Returns 20 % off',
    kind: 'PERCENT_OFF',
    target: 'SUBTOTAL',
    percentBasisPoints: 2000,
    couponCode: coupon,
    stacking: 'EXCLUSIVE',
    priority: 1000,
    active: true,
  };
  const saved = await bff('admin', 'UpsertPromotion', { input: promo }, { token: setupToken, channel: 'web-eu' });
  expect(saved.errors).toBeUndefined();
}

/** Places an order of the shopper's own in web-eu (the coupon if given, a Berlin address, standard shipping). */
export async function placeReturnable(
  shopper: TestIdentity,
  lines: { variantId: string; quantity: number }[],
  expected: number,
  coupon: string | null,
  payment: Record<string, string>,
) {
  const auth = shopper;
  const cart = data(await op('b2c', 'CreateCart', { email: 'returns@example.com' }, auth)).createCart;
  data(await op('b2c', 'AddCartLines', { cartId: cart.id, lines }, auth));
  const details = { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard', ...(coupon ? { couponCodes: [coupon] } : {}) };
  const ready = data(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: details }, auth)).setCartDetails;
  expect(ready.totals.total).toEqual({ amount: expected, currency: 'EUR' });
  const input = { cartId: cart.id, idempotencyKey: key('returns'), expectedTotal: { amount: expected, currency: 'EUR' }, payment };
  const placed = data(await op('b2c', 'PlaceOrder', { input }, auth)).placeOrder;
  expect(placed.__typename).toBe('OrderPlaced');
  return placed.order.id as string;
}

/** The order's line numbers of a and b (lines are numbered in the cart's order, by variant id). */
export async function lineNumbers(orderId: string, v: { a: string; b: string }) {
  const { lines } = await one(
    (sql) => sql<{ lines: Record<string, number> }[]>`select json_object_agg(variant_id, line_no) as lines from orders.order_lines where order_id = ${orderId}`,
  );
  const line = { a: lines[v.a]!, b: lines[v.b]! };
  expect([line.a, line.b].sort()).toEqual([1, 2]);
  return line;
}

/** Staff (setup, not walk: the fulfilment walk owns these operations) pick, pack and ship the order's one parcel. */
export async function shipParcel(orderId: string, auth: { token: string; channel: string }, tracking: string) {
  const { ids } = await one((sql) => sql<{ ids: string[] }[]>`select array_agg(id order by id) as ids from orders.shipments where order_id = ${orderId}`);
  expect(ids).toHaveLength(1);
  for (const status of ['PICKING', 'PACKED', 'SHIPPED']) {
    const input = { shipmentId: ids[0], status, ...(status === 'SHIPPED' ? { carrier: 'DHL', trackingNumber: tracking } : {}) };
    const moved = data(await bff('admin', 'SetShipmentStatus', { input }, auth)).setShipmentStatus;
    expect(moved.__typename).toBe('ShipmentChanged');
  }
}

/** What the order book wrote for an order's returns: counts, the refunded total and the events. */
export const written = (orderId: string) =>
  one(
    (sql) => sql<{ returns: number; lines: number; refunds: number; refunded: number; events: string[] }[]>`
      select (select count(*)::int from orders.returns where order_id = ${orderId}) as returns,
        (select count(*)::int from orders.return_lines l join orders.returns r on r.id = l.return_id where r.order_id = ${orderId}) as lines,
        (select count(*)::int from orders.refunds where order_id = ${orderId}) as refunds,
        (select refunded_total::int from orders.orders where id = ${orderId}) as refunded,
        (select coalesce(array_agg(type || coalesce(':' || (data->>'to'), '') order by id), '{}') from orders.outbox
          where aggregate_id = ${orderId} and (type in ('return.received', 'refund.issued')
            or (type = 'order.status_changed' and data->>'to' in ('PARTIALLY_RETURNED', 'RETURNED')))) as events`,
  );

/** A variant's sales, returns and write-offs on the stock ledger, in order. */
export const ledger = (variantId: string) =>
  one(
    (sql) => sql<{ moves: [string, string, number, string | null][] }[]>`
      select coalesce(json_agg(json_build_array(kind, location_id, delta_on_hand, reference) order by id), '[]') as moves
      from stock.movements where variant_id = ${variantId} and kind in ('SALE', 'RETURN', 'ADJUSTMENT')`,
  );

/**
 * web-eu's refunds (and refunds in the reporting currency) booked for today (UTC) in the sales read model, asked
 * until they are `expected` (the projector runs about once a second) or 60 s have passed.
 */
export async function refundsToday(expected: string) {
  let day = { refunds: '0', r_refunds: '0' };
  for (let i = 0; i < 120 && day.refunds !== expected; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 500));
    day = (await one(
      (sql) => sql<{ refunds: string; r_refunds: string }[]>`
        select refunds::text, r_refunds::text from orders.sales_daily where channel = 'web-eu' and currency = 'EUR'
          and day = (now() at time zone 'UTC')::date`,
    )) ?? { refunds: '0', r_refunds: '0' };
  }
  return day;
}

/** The test system's card provider stand-in: a call as orders makes it (its key, its form body), and what it recorded. */
export const cardStandin = {
  call: (path: string, k: string, form: Record<string, string>) =>
    fetch(`${system().cardProvider}${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_standin', 'idempotency-key': k, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    }),
  /** The refunds it made for a payment. */
  refunds: async (paymentIntent: string) =>
    ((await (await fetch(`${system().cardProvider}/__standin/refunds?payment_intent=${paymentIntent}`)).json()) as { data: { id: string; amount: number }[] })
      .data,
  /** How often it was called with an idempotency key. */
  calls: async (key: string) => ((await (await fetch(`${system().cardProvider}/__standin/calls?idempotency_key=${key}`)).json()) as { calls: number }).calls,
};

/**
 * The storefront return operations by name for the file that walks them: remembered, and an afterAll that fails
 * unless it ran each of RETURN_OPS on both b2c and b2b.
 */
export function storefrontReturnsWalk() {
  const walked = new Set<string>();
  afterAll(() => {
    expect([...walked].sort(), 'storefront return operations this file must run').toEqual(RETURN_OPS.flatMap((n) => [`b2b:${n}`, `b2c:${n}`]).sort());
  });
  return async function shop(which: 'b2c' | 'b2b', name: string, variables: Record<string, unknown>, auth: { token: string }) {
    walked.add(`${which}:${name}`);
    return bff(which, name, variables, { token: auth.token });
  };
}
