import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_IDP_SECRET, issueToken } from '@storegraph/bff-kit';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { system } from '../support/clients.ts';
import { startProcessSystem, type ProcessSystem } from '../support/process-system.ts';
import { BERLIN_ADDRESS } from './checkout-support.ts';
import { HAMBURG } from './stock-support.ts';
import { call, type Answer } from './scale-out-support.ts';

/**
 * Scale-out under a kill (issue #17): a system of this file's own with two replicas of stock and of the B2C BFF
 * (the gateway and orders round-robin between the stock replicas; the shoppers spread over the two BFFs, as a
 * load balancer would). 40 shoppers check out one unit each of a variant with 12 units while one stock replica
 * and one BFF replica are SIGKILLed in the middle. A shopper whose request dies with the BFF, or who is told to
 * retry, retries with the same idempotency key on the surviving BFF, as a client does. By hand: 12 units, 40
 * wanting one each, so exactly 12 orders and 28 InsufficientStock; the ledger shows 12 units sold and none left.
 */

const UNITS = 12;
const SHOPPERS = 40;
const KEY = DEMO_PUBLISHABLE_KEYS['web-eu']!;
let sys: ProcessSystem;
let sql: postgres.Sql;

beforeAll(async () => {
  sys = await startProcessSystem(system().databaseUrl, { replicas: ['stock', 'bff-b2c'] });
  sql = postgres(sys.databaseUrl, { max: 2, onnotice: () => {} });
}, 240_000);

afterAll(async () => {
  await sql?.end();
  await sys?.stop();
}, 60_000);

/** A failure a client may retry: the connection died, or the answer says so (503, SERVICE_UNAVAILABLE). */
const retryable = (a: Answer) => a.status === 0 || a.status === 503 || !!a.body?.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');

const staff = async () =>
  issueToken({ sub: `stf_t_scale_${process.pid}`, kind: 'staff', name: 'Scale-out test', roles: ['stock-admin', 'viewer'], channels: ['*'] }, DEV_IDP_SECRET);

describe('two replicas of stock and of the B2C BFF, one of each killed during checkouts', () => {
  it(`sells exactly ${UNITS} units to ${SHOPPERS} racing shoppers, and every shopper ends with an order or InsufficientStock`, {
    timeout: 240_000,
  }, async () => {
    const bffs = [sys.url('bff-b2c'), sys.url('bff-b2c-2')];
    const admin = { authorization: `Bearer ${await staff()}`, 'x-channel': 'web-eu' };
    // A demo variant web-eu sells that takes no backorders (a backorder may sell beyond stock by design).
    const [variant] = await sql<{ id: string }[]>`
      select l.variant_id as id from stock.levels l
      where l.location_id = ${HAMBURG} and l.on_hand > 0
        and not exists (select 1 from stock.backorder_policies b where b.variant_id = l.variant_id and b."limit" > 0)
      order by l.variant_id limit 1`;
    const v = variant!.id;
    // Exactly UNITS units anywhere web-eu could sell from: Hamburg counted to 12, every other location to 0.
    const levels = await sql<{ location: string }[]>`select location_id as location from stock.levels where variant_id = ${v}`;
    for (const { location } of levels) {
      const counted = await call(
        sys.url('bff-admin'),
        'CountStock',
        { input: { variantId: v, locationId: location, counted: location === HAMBURG ? UNITS : 0, reason: 'scale-out test' } },
        admin,
      );
      expect(counted.body?.errors, JSON.stringify(counted.body)).toBeUndefined();
    }

    // Carts first, one unit each, spread over both BFF replicas.
    const shoppers = await Promise.all(
      Array.from({ length: SHOPPERS }, async (_, i) => {
        const headers = {
          'x-publishable-key': KEY,
          authorization: `Bearer ${await issueToken({ sub: `cus_t_scale_${process.pid}_${i}`, kind: 'customer' }, DEV_IDP_SECRET)}`,
        };
        return { i, headers, key: `scale-${process.pid}-${Date.now().toString(36)}-${i}` };
      }),
    );
    const carts: { cartId: string; total: { amount: number; currency: string } }[] = [];
    for (const s of shoppers) {
      const url = bffs[s.i % 2]!;
      const cart = (await call(url, 'CreateCart', { email: 'scale@example.com' }, s.headers)).body!.data.createCart;
      await call(url, 'AddCartLines', { cartId: cart.id, lines: [{ variantId: v, quantity: 1 }] }, s.headers);
      const ready = (await call(url, 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, s.headers))
        .body!.data.setCartDetails;
      expect(ready.problems).toEqual([]);
      carts.push({ cartId: cart.id, total: ready.totals.total });
    }

    // The race: every shopper places the order on their BFF; a retryable failure is retried on the survivor.
    const seen: string[] = [];
    const checkout = async (s: (typeof shoppers)[number]) => {
      const input = { cartId: carts[s.i]!.cartId, idempotencyKey: s.key, expectedTotal: carts[s.i]!.total, payment: { provider: 'manual' } };
      let answer = await call(bffs[s.i % 2]!, 'PlaceOrder', { input }, s.headers);
      for (let attempt = 1; retryable(answer) && attempt <= 8; attempt++) {
        seen.push(answer.dropped ? 'dropped' : `${answer.status} ${answer.body?.errors?.map((e) => e.extensions?.code).join(',')}`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
        answer = await call(bffs[0]!, 'PlaceOrder', { input }, s.headers);
      }
      return answer;
    };
    const racing = shoppers.map(checkout);
    // In the middle of it: one stock replica and one BFF replica die.
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all([sys.kill('stock-2'), sys.kill('bff-b2c-2')]);
    const answers = await Promise.all(racing);
    console.log(`[scale-out] ${SHOPPERS} checkouts, stock-2 and bff-b2c-2 SIGKILLed during them; retried: ${seen.length ? seen.join('; ') : 'none'}`);

    // Every shopper has a final answer a client understands: an order or InsufficientStock; no error left.
    const finals = answers.map((a) => (a.status === 200 && !a.body?.errors ? a.body!.data.placeOrder.__typename : JSON.stringify(a)));
    expect(finals.filter((t) => t !== 'OrderPlaced' && t !== 'InsufficientStock')).toEqual([]);
    expect(finals.filter((t) => t === 'OrderPlaced').length).toBe(UNITS);
    expect(finals.filter((t) => t === 'InsufficientStock').length).toBe(SHOPPERS - UNITS);

    // The books agree: 12 orders of one unit, and every saga finished (none left half-done).
    const orders = await sql<{ n: number }[]>`
      select count(*)::int as n from orders.orders o join orders.order_lines l on l.order_id = o.id
      where l.variant_id = ${v} and o.status::text = 'PLACED' and l.quantity = 1`;
    expect(orders[0]!.n).toBe(UNITS);
    const open = await sql<{ n: number }[]>`
      select count(*)::int as n from orders.checkouts c where c.cart_id in ${sql(carts.map((c) => c.cartId))} and c.status not in ('COMPLETED', 'FAILED')`;
    expect(open[0]!.n).toBe(0);
    // A placed order's units are sold at once (a SALE movement): all 12 gone, none held, none below zero, and
    // every level equal to the sum of its movements.
    const [stock] = await sql<{ on_hand: number; reserved: number; sold: number }[]>`
      select (select sum(on_hand) from stock.levels where variant_id = ${v})::int as on_hand,
        (select sum(reserved) from stock.levels where variant_id = ${v})::int as reserved,
        (select coalesce(-sum(delta_on_hand), 0) from stock.movements where variant_id = ${v} and kind = 'SALE')::int as sold`;
    expect(stock).toEqual({ on_hand: 0, reserved: 0, sold: UNITS });
    const drift = await sql<{ location_id: string }[]>`
      select l.location_id from stock.levels l
      left join (select location_id, sum(delta_on_hand) as on_hand, sum(delta_reserved) as reserved
                 from stock.movements where variant_id = ${v} group by 1) m on m.location_id = l.location_id
      where l.variant_id = ${v} and (coalesce(m.on_hand, 0) <> l.on_hand or coalesce(m.reserved, 0) <> l.reserved)`;
    expect(drift).toEqual([]);
  });
});
