import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { postGraphQL, signedContext, sqlClient } from '../support/clients.ts';
import { cardIntents, data, one, op, readyCart, sellable, stockOf, testIdentity } from './checkout-support.ts';
import { ordersReplica } from './orders-replica-support.ts';
import { levelsMatchLedger } from './stock-support.ts';

/**
 * Crash safety of the checkout saga: a second orders process (a replica on the same database) takes one
 * real card checkout, is killed with SIGKILL at a step boundary of it and restarted, 50 times, cycling
 * through every boundary (and one during compensation). The test system's own orders process and the
 * restarted replica both run the recovery job, as replicas would. Afterwards each of the 50 sagas must be
 * exactly what its boundary says: a complete order (stock sold, payment authorised) past the point of no
 * return, nothing (no hold, no open authorisation, the cart usable again) before it; and the ledger sums.
 */

const anna = testIdentity('crash');
const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { __typename } }`;

/** Where to die, and what the saga must end as: before the order exists it is undone, after it is finished. */
const POINTS: [string, 'tok_visa' | 'tok_declined', 'COMPLETED' | 'FAILED'][] = [
  ['after:validate', 'tok_visa', 'FAILED'],
  ['after:quote', 'tok_visa', 'FAILED'],
  ['after:reserve', 'tok_visa', 'FAILED'],
  ['after:authorize', 'tok_visa', 'FAILED'],
  ['after:create_order', 'tok_visa', 'COMPLETED'],
  ['after:confirm_stock', 'tok_visa', 'COMPLETED'],
  ['after:redeem_promotions', 'tok_visa', 'COMPLETED'],
  // A declined card is compensated; the crash comes while releasing the stock.
  ['undo:reserve', 'tok_declined', 'FAILED'],
];
const LIVES = 50;
const PER_LIFE = 1;

const replica = ordersReplica({
  PAYMENT_CARD_TIMEOUT_MS: '1000',
  ORDERS_RECOVERY_INTERVAL_MS: '300',
  ORDERS_CHECKOUT_LEASE_SECONDS: '5',
});

beforeAll(() => replica.start(), 60_000);

afterAll(() => replica.kill());

describe('a checkout killed at any step boundary', () => {
  it(`ends every saga as a whole order or as nothing (${LIVES * PER_LIFE} checkouts, ${LIVES} kills)`, async () => {
    // 10.00 EUR gross + 4.90 standard shipping = 14.90 per checkout of one unit.
    const variant = await sellable({ eur: 1000, stock: 500 });
    const runs: { cartId: string; key: string; point: string; token: string; expected: string; life: number; saga?: boolean }[] = [];
    for (let life = 0; life < LIVES; life++) {
      const [point, token, expected] = POINTS[life % POINTS.length]!;
      await replica.start();
      const batch = await Promise.all(
        Array.from({ length: PER_LIFE }, async (_, n) => {
          const cart = await readyCart('b2c', anna, [{ variantId: variant, quantity: 1 }]);
          expect(cart.totals!.total).toEqual({ amount: 1490, currency: 'EUR' });
          return { cartId: cart.id, key: `crash-${life}-${n}-${point.replace(':', '-')}-${Date.now().toString(36)}`, point, token, expected, life };
        }),
      );
      const headers = {
        [CONTEXT_HEADER]: await signedContext('web-eu', { customerId: anna.sub }),
        'x-storegraph-crash-at': point,
      };
      const answers = await Promise.all(
        batch.map((run) => {
          const input = { cartId: run.cartId, idempotencyKey: run.key, expectedTotal: { amount: 1490, currency: 'EUR' }, payment: { provider: 'card', token } };
          return postGraphQL(replica.url(), { query: PLACE, variables: { input } }, headers).catch(() => null);
        }),
      );
      // The process died mid-request: at least the checkout that reached the boundary got no answer.
      expect(answers.filter((a) => a === null).length, point).toBeGreaterThan(0);
      expect(await replica.dead(), point).toBe(true);
      runs.push(...batch);
    }
    await replica.start();

    // Recovery (in both processes) takes each saga over once its lease ran out (5 s).
    const sql = sqlClient();
    try {
      const cartIds = runs.map((r) => r.cartId);
      let rows: { id: string; cart_id: string; status: string }[] = [];
      for (let i = 0; i < 120; i++) {
        rows = await sql`select id, cart_id, status from orders.checkouts where cart_id in ${sql(cartIds)}`;
        if (rows.every((r) => r.status === 'COMPLETED' || r.status === 'FAILED')) break;
        await sleep(500);
      }
      // Every boundary comes after the saga row is written, so each checkout has one (with several checkouts
      // per life, one killed by another's crash before its row committed would have left no trace at all).
      expect(rows.length).toBe(runs.length);
      const byCart = new Map(rows.map((r) => [r.cart_id, r]));
      for (const run of runs.filter((r) => !byCart.has(r.cartId))) {
        const [cart] = await sql<{ status: string; order_id: string | null }[]>`select status, order_id from orders.carts where id = ${run.cartId}`;
        expect(cart, run.point).toEqual({ status: 'ACTIVE', order_id: null });
      }
      let sold = 0;
      const lifeMatched = new Set<number>();
      for (const run of runs.filter((r) => byCart.has(r.cartId))) {
        const saga = byCart.get(run.cartId)!;
        expect(['COMPLETED', 'FAILED'], run.point).toContain(saga.status);
        // The checkout that reached the boundary ends as the boundary says; the others of its life died at
        // whatever point they had reached, and only the whole-or-nothing rule applies to them.
        if (saga.status === run.expected) lifeMatched.add(run.life);
        run.expected = saga.status;
        run.saga = true;
        const orders = await sql<{ id: string; total: string; stock_status: string | null; payment_status: string }[]>`
          select id, total, stock_status, payment_status from orders.orders where checkout_id = ${saga.id}`;
        const [reservation] = await sql<
          { status: string }[]
        >`select status::text from stock.reservations where idempotency_key = ${`staff:svc-checkout|checkout:${saga.id}`}`;
        const intents = await cardIntents(saga.id);
        const [cart] = await sql<{ status: string }[]>`select status from orders.carts where id = ${run.cartId}`;
        if (run.expected === 'COMPLETED') {
          sold += 1;
          expect(orders.length, run.point).toBe(1);
          expect(Number(orders[0]!.total)).toBe(1490);
          expect(orders[0]!.stock_status, run.point).toBe('SOLD');
          expect(orders[0]!.payment_status, run.point).toBe('AUTHORIZED');
          expect(reservation?.status, run.point).toBe('CONFIRMED');
          expect(
            intents.map((x) => [x.status, x.amount]),
            run.point,
          ).toEqual([['requires_capture', 1490]]);
          expect(cart!.status).toBe('COMPLETED');
        } else {
          expect(orders.length, run.point).toBe(0);
          // Either never held, or held and given back.
          expect(['RELEASED', undefined], run.point).toContain(reservation?.status);
          expect(
            intents.filter((x) => x.status === 'requires_capture'),
            run.point,
          ).toEqual([]);
          expect(cart!.status, run.point).toBe('ACTIVE');
        }
      }
      expect(lifeMatched.size).toBe(LIVES);
      // Nothing held, nothing oversold, the ledger sums: exactly the completed orders' units left.
      expect(await stockOf(variant)).toEqual({ on_hand: 500 - sold, reserved: 0 });
      await levelsMatchLedger([variant]);
    } finally {
      await sql.end();
    }

    // A client retrying with the same key through the storefront gets the saga's final answer.
    for (const run of runs.filter((r) => r.saga).slice(0, 16)) {
      const input = {
        cartId: run.cartId,
        idempotencyKey: run.key,
        expectedTotal: { amount: 1490, currency: 'EUR' },
        payment: { provider: 'card', token: run.token },
      };
      const answer = data(await op('b2c', 'PlaceOrder', { input }, anna)).placeOrder.__typename;
      // Completed: the order. Undone: the answer decided when compensation began (a decline stays a
      // decline; a checkout cut off before it had an answer was undone by recovery as PaymentUnavailable).
      const stored = await one((q) => q<{ t: string }[]>`select result->>'__typename' as t from orders.checkouts where cart_id = ${run.cartId}`);
      expect(answer, run.point).toBe(stored.t);
      if (run.expected === 'COMPLETED') expect(answer).toBe('OrderPlaced');
      else expect(['PaymentDeclined', 'PaymentUnavailable']).toContain(answer);
    }
  }, 600_000);
});
