import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { data, key, one, testIdentity } from './checkout-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { lineNumbers, placeReturnable, returnCoupon, returnProducts, returnStaff, shipParcel, written } from './returns-support.ts';
import { withContentionSampler } from './stock-support.ts';

/**
 * Asking for a return (issue 13): what is refused (nothing shipped yet, more than was shipped, an unknown line,
 * a closed window), six requests racing for the same two units, and order staff asking for a customer and
 * rejecting with a reason, walked through the admin BFF and the web shop. This file's own shopper buys products
 * of its own with a 20 % coupon of its own; nothing here is received or refunded, and web-eu's return rules are
 * only read (allow-list-walk-admin-returns.test.ts owns them).
 */
const run = adminWalk('returnRequests');
const K = Math.random().toString(36).slice(2, 8);
const COUPON = `RET20${K}`.toUpperCase();
const staff = { setup: '', eu: '' };
const shopper = testIdentity('returns');
const v = { a: '', b: '' };
const order = { id: '', late: '' };
/** The order's line numbers of a and b (lines are numbered in the cart's order, by variant id). */
const line = { a: 0, b: 0 };
const EU = () => ({ token: staff.eu, channel: 'web-eu' });

/** A storefront return operation by name (allow-list-walk-admin-returns.test.ts is the walk of these). */
const shop = (which: 'b2c' | 'b2b', name: string, variables: Record<string, unknown>, auth: { token: string }) =>
  bff(which, name, variables, { token: auth.token });
const place = (lines: { variantId: string; quantity: number }[], expected: number, coupon = true, payment: Record<string, string> = { provider: 'manual' }) =>
  placeReturnable(shopper, lines, expected, coupon ? COUPON : null, payment);
const shipAll = (orderId: string) => shipParcel(orderId, EU(), `RT${K}`);

beforeAll(async () => {
  Object.assign(staff, await returnStaff(['setup', 'eu']));
  Object.assign(v, await returnProducts(staff.setup));
  await returnCoupon(staff.setup, K, COUPON);
  // 3 x 10.00 + 1 x 15.00 = 45.00; 20 % off the subtotal = 9.00, spread by line value: 30/45 x 9.00 = 6.00 and
  // 3.00, so the lines cost 24.00 and 12.00; 36.00 is under the 50.00 free-shipping line: + 4.90 = 40.90.
  order.id = await place(
    [
      { variantId: v.a, quantity: 3 },
      { variantId: v.b, quantity: 1 },
    ],
    4090,
  );
  Object.assign(line, await lineNumbers(order.id, v));
});

describe('asking for a return', { shuffle: false }, () => {
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
});
