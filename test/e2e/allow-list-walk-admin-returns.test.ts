import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, system } from '../support/clients.ts';
import { BERLIN_ADDRESS, data, key, one, op, testIdentity } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminSellable, adminWalk, codes } from './admin-walk-support.ts';
import { RETURN_OPS } from './returns-support.ts';
import { withContentionSampler } from './stock-support.ts';

/**
 * Returns and refunds (issue 13), walked through the admin BFF by built-in order staff and through the web shop
 * by the order's owner. This file's own shopper buys two products of its own with a 20 % coupon of its own, staff
 * ship the parcel, and the goods come back in two returns: the refunds are what was paid after the promotion, the
 * second brings shipping back less the channel's restocking fee, and the ledger shows each unit back once at the
 * place staff chose. Races: requests for the same line, and receipts of the same return. web-eu's return rules are
 * set here and put back to the defaults afterwards (no other file uses them).
 */
const run = adminWalk('returns');
const HAMBURG = 'loc_wh_hamburg';
const MUNICH = 'loc_munich_shop';
const K = Math.random().toString(36).slice(2, 8);
const COUPON = `RET20${K}`.toUpperCase();
const staff = { setup: '', eu: '', us: '', viewer: '' };
const shopper = testIdentity('returns');
const buyer = testIdentity('returns-buyer', { kind: 'buyer', company: `cmp_t_returns_${K}` });
const v = { a: '', b: '' };
const order = { id: '', late: '' };
/** The order's line numbers of a and b (lines are numbered in the cart's order, by variant id). */
const line = { a: 0, b: 0 };
/** The first return's id, for the ledger of the second. */
let first = '';
const walked = new Set<string>();
const EU = () => ({ token: staff.eu, channel: 'web-eu' });
const DEFAULT_POLICY = { channel: 'web-eu', windowDays: 30, restockingFeeKind: 'NONE', restockingFeeValue: 0, shippingRefund: 'WHOLE_ORDER' };

/** A storefront return operation by name (the storefront walk leaves these to this file). */
async function shop(which: 'b2c' | 'b2b', name: string, variables: Record<string, unknown>, auth: { token: string }) {
  walked.add(`${which}:${name}`);
  return bff(which, name, variables, { token: auth.token });
}

afterAll(async () => {
  expect([...walked].sort(), 'storefront return operations this file must run').toEqual(RETURN_OPS.flatMap((n) => [`b2b:${n}`, `b2c:${n}`]).sort());
  if (staff.eu) await bff('admin', 'SetReturnPolicy', { input: DEFAULT_POLICY }, EU());
});

/** Places an order of the shopper's own in web-eu (the coupon, a Berlin address, standard shipping), paid manually. */
async function place(
  lines: { variantId: string; quantity: number }[],
  expected: number,
  coupon = true,
  payment: Record<string, string> = { provider: 'manual' },
) {
  const auth = shopper;
  const cart = data(await op('b2c', 'CreateCart', { email: 'returns@example.com' }, auth)).createCart;
  data(await op('b2c', 'AddCartLines', { cartId: cart.id, lines }, auth));
  const details = { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard', ...(coupon ? { couponCodes: [COUPON] } : {}) };
  const ready = data(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: details }, auth)).setCartDetails;
  expect(ready.totals.total).toEqual({ amount: expected, currency: 'EUR' });
  const input = { cartId: cart.id, idempotencyKey: key('returns'), expectedTotal: { amount: expected, currency: 'EUR' }, payment };
  const placed = data(await op('b2c', 'PlaceOrder', { input }, auth)).placeOrder;
  expect(placed.__typename).toBe('OrderPlaced');
  return placed.order.id as string;
}

/** Staff (setup, not walk: the fulfilment walk owns these operations) pick, pack and ship the order's one parcel. */
async function shipAll(orderId: string) {
  const { ids } = await one((sql) => sql<{ ids: string[] }[]>`select array_agg(id order by id) as ids from orders.shipments where order_id = ${orderId}`);
  expect(ids).toHaveLength(1);
  for (const status of ['PICKING', 'PACKED', 'SHIPPED']) {
    const input = { shipmentId: ids[0], status, ...(status === 'SHIPPED' ? { carrier: 'DHL', trackingNumber: `RT${K}` } : {}) };
    const moved = data(await bff('admin', 'SetShipmentStatus', { input }, EU())).setShipmentStatus;
    expect(moved.__typename).toBe('ShipmentChanged');
  }
}

const written = (orderId: string) =>
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

const ledger = (variantId: string) =>
  one(
    (sql) => sql<{ moves: [string, string, number, string | null][] }[]>`
      select coalesce(json_agg(json_build_array(kind, location_id, delta_on_hand, reference) order by id), '[]') as moves
      from stock.movements where variant_id = ${variantId} and kind in ('SALE', 'RETURN', 'ADJUSTMENT')`,
  );

beforeAll(async () => {
  const [setup, eu, us, viewer] = await Promise.all([
    createStaff('ret-setup', ['catalog-admin', 'pricing-admin', 'stock-admin'], ['*']),
    createStaff('ret-eu', ['order-admin'], ['web-eu']),
    createStaff('ret-us', ['order-admin', 'viewer'], ['web-us']),
    createStaff('ret-viewer', ['viewer'], ['web-eu']),
  ]);
  for (const [name, member] of Object.entries({ setup, eu, us, viewer })) staff[name as keyof typeof staff] = (await staffSession(member.email)).token;
  // a: 10.00, b: 15.00 (gross, web-eu), each with 6 units in Hamburg only: the order leaves in one parcel.
  v.a = (await adminSellable(staff.setup, 'ret-a', { eur: 1000, stock: 6, channels: ['web-eu'] })).variantId;
  v.b = (await adminSellable(staff.setup, 'ret-b', { eur: 1500, stock: 6, channels: ['web-eu'] })).variantId;
  const promo = {
    id: `promo_t_returns_${K}`,
    channel: 'web-eu',
    name: 'Returns 20 % off',
    kind: 'PERCENT_OFF',
    target: 'SUBTOTAL',
    percentBasisPoints: 2000,
    couponCode: COUPON,
    stacking: 'EXCLUSIVE',
    priority: 1000,
    active: true,
  };
  const saved = await bff('admin', 'UpsertPromotion', { input: promo }, { token: staff.setup, channel: 'web-eu' });
  expect(saved.errors).toBeUndefined();
  // 3 x 10.00 + 1 x 15.00 = 45.00; 20 % off the subtotal = 9.00, spread by line value: 30/45 x 9.00 = 6.00 and
  // 3.00, so the lines cost 24.00 and 12.00; 36.00 is under the 50.00 free-shipping line: + 4.90 = 40.90.
  order.id = await place(
    [
      { variantId: v.a, quantity: 3 },
      { variantId: v.b, quantity: 1 },
    ],
    4090,
  );
  const { lines } = await one(
    (sql) =>
      sql<{ lines: Record<string, number> }[]>`select json_object_agg(variant_id, line_no) as lines from orders.order_lines where order_id = ${order.id}`,
  );
  line.a = lines[v.a]!;
  line.b = lines[v.b]!;
  expect([line.a, line.b].sort()).toEqual([1, 2]);
});

describe('returns of an order', { shuffle: false }, () => {
  it('reads the channel’s return rules (defaults until set), and refuses a viewer setting them', async () => {
    expect(data(await run('ReturnPolicy', { channel: 'web-eu' }, { token: staff.viewer, channel: 'web-eu' })).returnPolicy).toEqual(DEFAULT_POLICY);
    expect(codes(await run('SetReturnPolicy', { input: { ...DEFAULT_POLICY, windowDays: 14 } }, { token: staff.viewer, channel: 'web-eu' }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await run('ReturnPolicy', { channel: 'web-eu' }, { token: staff.us, channel: 'web-us' }))).toEqual(['FORBIDDEN']);
  });

  it('refuses a return before anything left, and of more units than were shipped, writing nothing', async () => {
    const ask = (lines: unknown[]) => shop('b2c', 'RequestReturn', { input: { orderId: order.id, idempotencyKey: key('ret-early'), lines } }, shopper);
    expect(data(await ask([{ lineNo: line.a, quantity: 1, reason: 'SIZE_OR_FIT' }])).requestReturn).toEqual({
      __typename: 'ReturnRefused',
      reason: 'NOT_SHIPPED',
      lineNo: line.a,
      returnable: 0,
      windowEndedAt: null,
    });
    await shipAll(order.id);
    // 3 of a's line left; 4 asked.
    expect(data(await ask([{ lineNo: line.a, quantity: 4, reason: 'SIZE_OR_FIT' }])).requestReturn).toEqual({
      __typename: 'ReturnRefused',
      reason: 'MORE_THAN_SHIPPED',
      lineNo: line.a,
      returnable: 3,
      windowEndedAt: null,
    });
    expect(data(await ask([{ lineNo: 3, quantity: 1, reason: 'OTHER' }])).requestReturn).toMatchObject({ reason: 'UNKNOWN_LINE', lineNo: 3 });
    expect(await written(order.id)).toEqual({ returns: 0, lines: 0, refunds: 0, refunded: 0, events: [] });
    const read = data(await shop('b2c', 'OrderReturns', { id: order.id }, shopper)).order;
    expect(read).toEqual({ id: order.id, status: 'FULFILLED', refundedTotal: { amount: 0, currency: 'EUR' }, returns: [] });
  });

  it('takes one of six requests racing for the same two units, and answers a retry with the same return', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => key(`ret-race-${i}`));
    const ask = (k: string) =>
      shop(
        'b2c',
        'RequestReturn',
        { input: { orderId: order.id, idempotencyKey: k, lines: [{ lineNo: line.a, quantity: 2, reason: 'DAMAGED', note: 'torn seam' }] } },
        shopper,
      );
    const { result, distinctBusy } = await withContentionSampler(() => Promise.all(keys.map(ask)), 'storegraph-orders');
    for (const res of result) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const answers = result.map((r) => r.data.requestReturn);
    const won = answers.filter((a: any) => a.__typename === 'ReturnRequested');
    const refused = answers.filter((a: any) => a.__typename === 'ReturnRefused');
    console.log(`[return request race] 6 requests: ${won.length} taken, ${refused.length} refused; ${distinctBusy} orders backends`);
    expect(distinctBusy).toBeGreaterThan(1);
    expect(won).toHaveLength(1);
    // 3 left, 2 asked by the winner: 1 returnable for each of the others.
    expect(refused).toEqual(
      Array.from({ length: 5 }, () => ({ __typename: 'ReturnRefused', reason: 'MORE_THAN_SHIPPED', lineNo: line.a, returnable: 1, windowEndedAt: null })),
    );
    const ret = won[0].return;
    expect(ret).toEqual({
      id: expect.stringMatching(/^ret_/),
      status: 'REQUESTED',
      requestedAt: expect.any(String),
      decisionReason: null,
      receivedAt: null,
      lines: [{ lineNo: line.a, variant: { id: v.a }, quantity: 2, reason: 'DAMAGED', note: 'torn seam' }],
      refund: null,
    });
    const winner = keys[answers.indexOf(won[0])]!;
    expect(data(await ask(winner)).requestReturn).toEqual({ __typename: 'ReturnRequested', return: ret });
    const other = await shop(
      'b2c',
      'RequestReturn',
      { input: { orderId: order.id, idempotencyKey: winner, lines: [{ lineNo: line.a, quantity: 1, reason: 'DAMAGED' }] } },
      shopper,
    );
    expect(codes(other)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await written(order.id)).toEqual({ returns: 1, lines: 1, refunds: 0, refunded: 0, events: [] });
  });

  it('is approved once, by order staff of the channel only', async () => {
    const queue = data(await run('ReturnQueue', { channel: 'web-eu', first: 200 }, EU())).returnQueue;
    const mine = queue.filter((r: any) => r.order.id === order.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'REQUESTED', nextStatuses: ['APPROVED', 'REJECTED'], order: { id: order.id, status: 'FULFILLED' } });
    const id = mine[0].id;
    expect(codes(await run('ApproveReturn', { id }, { token: staff.viewer, channel: 'web-eu' }))).toEqual(['FORBIDDEN']);
    expect(codes(await run('ApproveReturn', { id }, { token: staff.us, channel: 'web-us' }))).toEqual(['NOT_FOUND']);
    expect(codes(await run('ReturnQueue', { channel: 'web-eu', first: 10 }, { token: staff.us, channel: 'web-us' }))).toEqual(['FORBIDDEN']);
    const approved = data(await run('ApproveReturn', { id, note: 'send it back' }, EU())).approveReturn;
    expect(approved.return).toMatchObject({ id, status: 'APPROVED', decisionReason: 'send it back', nextStatuses: ['RECEIVED'] });
    expect(data(await run('ApproveReturn', { id }, EU())).approveReturn).toEqual({
      __typename: 'IllegalReturnTransition',
      returnId: id,
      from: 'APPROVED',
      to: 'APPROVED',
      allowed: ['RECEIVED'],
    });
  });

  it('refunds what was paid after the 20 % promotion, not the list price, once when four receipts race', async () => {
    const { returns } = data(await run('OrderReturns', { id: order.id }, EU())).order;
    const id = returns[0].id;
    first = id;
    const keys = Array.from({ length: 4 }, (_, i) => key(`ret-receive-${i}`));
    // Staff chose Munich, not Hamburg where the units were sold from.
    const receive = (k: string) =>
      run('ReceiveReturn', { input: { returnId: id, idempotencyKey: k, lines: [{ lineNo: line.a, disposition: 'RESTOCK', locationId: MUNICH }] } }, EU());
    const { result, distinctBusy } = await withContentionSampler(() => Promise.all(keys.map(receive)), 'storegraph-orders');
    for (const res of result) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const answers = result.map((r) => r.data.receiveReturn);
    const won = answers.filter((a: any) => a.__typename === 'ReturnChanged');
    console.log(`[return receipt race] 4 receipts: ${won.length} received; ${distinctBusy} orders backends`);
    expect(distinctBusy).toBeGreaterThan(1);
    expect(won).toHaveLength(1);
    expect(answers.filter((a: any) => a.__typename === 'IllegalReturnTransition')).toEqual(
      Array.from({ length: 3 }, () => ({ __typename: 'IllegalReturnTransition', returnId: id, from: 'RECEIVED', to: 'RECEIVED', allowed: [] })),
    );
    // 2 of line 1's 3 units, which cost 24.00 together: floor(24.00 x 2 / 3) = 16.00 (list price: 20.00). No fee,
    // and no shipping: the order is not all back.
    const money = (amount: number) => ({ amount, currency: 'EUR' });
    const refund = { status: 'REFUNDED', goods: money(1600), restockingFee: money(0), shipping: money(0), amount: money(1600) };
    expect(won[0].return).toMatchObject({
      status: 'RECEIVED',
      order: { id: order.id, status: 'PARTIALLY_RETURNED' },
      lines: [{ lineNo: line.a, quantity: 2, disposition: 'RESTOCK', location: { id: MUNICH } }],
      refund,
      nextStatuses: [],
    });
    // A retry with the winning key answers the same and books nothing new.
    const winner = keys[answers.indexOf(won[0])]!;
    const again = data(await receive(winner)).receiveReturn;
    expect(again).toEqual(won[0]);
    expect(await written(order.id)).toEqual({
      returns: 1,
      lines: 1,
      refunds: 1,
      refunded: 1600,
      events: ['return.received', 'order.status_changed:PARTIALLY_RETURNED', 'refund.issued'],
    });
    // The two units are back on hand once, at Munich, keyed by the return line.
    expect((await ledger(v.a)).moves).toEqual([
      ['SALE', HAMBURG, -3, expect.any(String)],
      ['RETURN', MUNICH, 2, `return-${id}-${line.a}`],
    ]);
    const seen = data(await shop('b2c', 'OrderReturns', { id: order.id }, shopper)).order;
    expect(seen).toMatchObject({ status: 'PARTIALLY_RETURNED', refundedTotal: money(1600), returns: [{ id, status: 'RECEIVED', refund }] });
    expect(data(await run('OrderReturns', { id: order.id }, EU())).order.payment).toEqual({ provider: 'manual', status: 'PARTIALLY_REFUNDED' });
  });

  it('refunds the rest with shipping and less the restocking fee, writes the written-off unit on the ledger, and the order is returned', async () => {
    const policy = { ...DEFAULT_POLICY, restockingFeeKind: 'PERCENT', restockingFeeValue: 1000 };
    expect(data(await run('SetReturnPolicy', { input: policy }, EU())).setReturnPolicy).toEqual(policy);
    const lines = [
      { lineNo: line.a, quantity: 1, reason: 'NO_LONGER_NEEDED' },
      { lineNo: line.b, quantity: 1, reason: 'WRONG_ITEM' },
    ];
    const asked = data(await shop('b2c', 'RequestReturn', { input: { orderId: order.id, idempotencyKey: key('ret-rest'), lines } }, shopper)).requestReturn;
    expect(asked.__typename).toBe('ReturnRequested');
    const id = asked.return.id;
    expect(data(await run('ApproveReturn', { id }, EU())).approveReturn.return.status).toBe('APPROVED');
    const received = data(
      await run(
        'ReceiveReturn',
        {
          input: {
            returnId: id,
            idempotencyKey: key('ret-rest-in'),
            lines: [
              { lineNo: line.a, disposition: 'WRITE_OFF', locationId: HAMBURG },
              { lineNo: line.b, disposition: 'RESTOCK', locationId: HAMBURG },
            ],
          },
        },
        EU(),
      ),
    ).receiveReturn;
    // Line 1's last unit: 24.00 - 16.00 = 8.00; line 2: 12.00; goods 20.00. Fee 10 % = 2.00. The order is all back,
    // so shipping 4.90 too: 20.00 - 2.00 + 4.90 = 22.90. Both refunds: 16.00 + 22.90 = 38.90 = 40.90 paid - 2.00 fee.
    const money = (amount: number) => ({ amount, currency: 'EUR' });
    expect(received.return).toMatchObject({
      status: 'RECEIVED',
      order: { status: 'RETURNED' },
      refund: { status: 'REFUNDED', goods: money(2000), restockingFee: money(200), shipping: money(490), amount: money(2290) },
    });
    expect(await written(order.id)).toEqual({
      returns: 2,
      lines: 3,
      refunds: 2,
      refunded: 3890,
      events: [
        'return.received',
        'order.status_changed:PARTIALLY_RETURNED',
        'refund.issued',
        'return.received',
        'order.status_changed:RETURNED',
        'refund.issued',
      ],
    });
    // Written off: back and off again at Hamburg, on the ledger, on hand unchanged.
    expect((await ledger(v.a)).moves).toEqual([
      ['SALE', HAMBURG, -3, expect.any(String)],
      ['RETURN', MUNICH, 2, `return-${first}-${line.a}`],
      ['RETURN', HAMBURG, 1, `return-${id}-${line.a}`],
      ['ADJUSTMENT', HAMBURG, -1, `return-${id}-${line.a}`],
    ]);
    expect((await ledger(v.b)).moves).toEqual([
      ['SALE', HAMBURG, -1, expect.any(String)],
      ['RETURN', HAMBURG, 1, `return-${id}-${line.b}`],
    ]);
    const events = await one(
      (sql) => sql<{ data: any[] }[]>`
        select coalesce(json_agg(data order by id), '[]') as data from orders.outbox where aggregate_id = ${order.id} and type = 'refund.issued'`,
    );
    expect(events.data.map((e) => e.amount)).toEqual([money(1600), money(2290)]);
    expect(data(await run('OrderReturns', { id: order.id }, EU())).order.payment).toEqual({ provider: 'manual', status: 'PARTIALLY_REFUNDED' });
    // Reports book refunds on the day they were paid (today, UTC), not on the order's day. No other file refunds
    // in web-eu: 16.00 + 22.90 = 38.90 for today; EUR is the reporting currency (rate 1).
    let day = { refunds: '0', r_refunds: '0' };
    for (let i = 0; i < 120 && day.refunds !== '3890'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 500));
      day = (await one(
        (sql) => sql<{ refunds: string; r_refunds: string }[]>`
          select refunds::text, r_refunds::text from orders.sales_daily where channel = 'web-eu' and currency = 'EUR'
            and day = (now() at time zone 'UTC')::date`,
      )) ?? { refunds: '0', r_refunds: '0' };
    }
    expect(day).toEqual({ refunds: '3890', r_refunds: '3890' });
    // Nothing is left to return.
    const more = await shop(
      'b2c',
      'RequestReturn',
      { input: { orderId: order.id, idempotencyKey: key('ret-more'), lines: [{ lineNo: line.b, quantity: 1, reason: 'OTHER' }] } },
      shopper,
    );
    expect(data(more).requestReturn).toMatchObject({ __typename: 'ReturnRefused', reason: 'MORE_THAN_SHIPPED', returnable: 0 });
  });

  it('lets staff ask for a customer and reject with a reason, and refuses a return once the window has closed, writing nothing', async () => {
    // No coupon: 1 x 15.00 + 4.90 shipping = 19.90.
    order.late = await place([{ variantId: v.b, quantity: 1 }], 1990, false);
    await shipAll(order.late);
    const asked = data(
      await run(
        'RequestReturn',
        { input: { orderId: order.late, idempotencyKey: key('ret-staff'), lines: [{ lineNo: 1, quantity: 1, reason: 'OTHER', note: 'phoned in' }] } },
        EU(),
      ),
    ).requestReturn;
    expect(asked.return).toMatchObject({ status: 'REQUESTED', lines: [{ lineNo: 1, quantity: 1, reason: 'OTHER', note: 'phoned in' }] });
    expect(codes(await run('RejectReturn', { id: asked.return.id, reason: ' ' }, EU()))).toEqual(['BAD_USER_INPUT']);
    const rejected = data(await run('RejectReturn', { id: asked.return.id, reason: 'worn' }, EU())).rejectReturn;
    expect(rejected.return).toMatchObject({ status: 'REJECTED', decisionReason: 'worn', nextStatuses: [] });
    // The parcel left 31 days ago (this file's own shipment); web-eu's window is 30 days.
    const { left } = await one(
      (sql) => sql<{ left: string }[]>`
        update orders.shipments set shipped_at = now() - interval '31 days' where order_id = ${order.late}
        returning to_char((shipped_at + interval '30 days') at time zone 'UTC', 'YYYY-MM-DD') as left`,
    );
    const late = data(
      await shop(
        'b2c',
        'RequestReturn',
        { input: { orderId: order.late, idempotencyKey: key('ret-late'), lines: [{ lineNo: 1, quantity: 1, reason: 'DAMAGED' }] } },
        shopper,
      ),
    ).requestReturn;
    expect(late).toMatchObject({ __typename: 'ReturnRefused', reason: 'OUTSIDE_WINDOW', lineNo: 1, returnable: 0 });
    expect(late.windowEndedAt.slice(0, 10)).toBe(left);
    expect(await written(order.late)).toEqual({ returns: 1, lines: 1, refunds: 0, refunded: 0, events: [] });
    const read = data(await shop('b2c', 'OrderReturns', { id: order.late }, shopper)).order;
    expect(read.returns.map((r: any) => r.status)).toEqual(['REJECTED']);
  });

  it('pays a card refund once when the provider already paid it before the process died (same key)', async () => {
    // 1 x 15.00 + 4.90 shipping = 19.90, by card.
    const id = await place([{ variantId: v.b, quantity: 1 }], 1990, false, { provider: 'card', token: 'tok_visa' });
    await shipAll(id);
    const asked = data(
      await shop(
        'b2c',
        'RequestReturn',
        { input: { orderId: id, idempotencyKey: key('ret-card'), lines: [{ lineNo: 1, quantity: 1, reason: 'DAMAGED' }] } },
        shopper,
      ),
    ).requestReturn;
    const returnId = asked.return.id as string;
    expect(data(await run('ApproveReturn', { id: returnId }, EU())).approveReturn.return.status).toBe('APPROVED');
    // The refund's id, and so its key at the provider, comes from the return's.
    const refundId = `rfd_${returnId.slice(4)}`;
    const { pi } = await one((sql) => sql<{ pi: string }[]>`select payment_ref as pi from orders.orders where id = ${id}`);
    // web-eu's rules are still a 10 % fee with shipping on the whole order: 15.00 - 1.50 + 4.90 = 18.40.
    // An earlier orders process captured and refunded with the keys orders uses, then died before writing anything.
    const provider = (path: string, k: string, form: Record<string, string>) =>
      fetch(`${system().cardProvider}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_standin', 'idempotency-key': k, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    expect((await provider(`/v1/payment_intents/${pi}/capture`, `${id}:capture`, { amount_to_capture: '1990' })).status).toBe(200);
    const paid = await provider('/v1/refunds', refundId, { payment_intent: pi, amount: '1840', 'metadata[idempotency_key]': refundId });
    expect(paid.status).toBe(200);
    const first = (await paid.json()) as { id: string };

    const received = data(
      await run(
        'ReceiveReturn',
        { input: { returnId, idempotencyKey: key('ret-card-in'), lines: [{ lineNo: 1, disposition: 'RESTOCK', locationId: HAMBURG }] } },
        EU(),
      ),
    ).receiveReturn;
    expect(received.return.refund).toMatchObject({ status: 'REFUNDED', amount: { amount: 1840, currency: 'EUR' } });
    // The provider answered the replayed key with the refund it had made: one refund of 18.40, asked twice.
    const refunds = (
      (await (await fetch(`${system().cardProvider}/__standin/refunds?payment_intent=${pi}`)).json()) as { data: { id: string; amount: number }[] }
    ).data;
    expect(refunds.map((r) => [r.id, r.amount])).toEqual([[first.id, 1840]]);
    const calls = ((await (await fetch(`${system().cardProvider}/__standin/calls?idempotency_key=${refundId}`)).json()) as { calls: number }).calls;
    expect(calls).toBe(2);
    expect(await one((sql) => sql<{ provider_ref: string }[]>`select provider_ref from orders.refunds where id = ${refundId}`)).toEqual({
      provider_ref: first.id,
    });
    expect(await written(id)).toEqual({
      returns: 1,
      lines: 1,
      refunds: 1,
      refunded: 1840,
      events: ['return.received', 'order.status_changed:RETURNED', 'refund.issued'],
    });
  });

  it('shows a trade buyer neither another customer’s order nor a way to return its goods', async () => {
    expect(data(await shop('b2b', 'OrderReturns', { id: order.id }, buyer)).order).toBeNull();
    const asked = await shop(
      'b2b',
      'RequestReturn',
      { input: { orderId: order.id, idempotencyKey: key('ret-b2b'), lines: [{ lineNo: line.a, quantity: 1, reason: 'OTHER' }] } },
      buyer,
    );
    expect(codes(asked)).toEqual(['NOT_FOUND']);
    expect((await written(order.id)).returns).toBe(2);
  });
});
