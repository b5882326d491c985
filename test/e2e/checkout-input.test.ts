import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLResponse } from '../support/clients.ts';
import { BERLIN_ADDRESS, data, key, one, op, readyCart, sellable, stockOf, testCustomer, testIdentity } from './checkout-support.ts';
import { count } from './stock-support.ts';

/**
 * Bad input to the cart and checkout operations gets one typed error with a stable code (and where it
 * helps, the argument at fault) and writes nothing: no cart line, checkout, order or stock hold appears,
 * and the cart keeps its version. Counts are scoped to this file's own carts and variants.
 */

const anna = testIdentity('checkout-input-anna');
const ben = testIdentity('checkout-input-ben');

/** The one error of a refused request; a refusal never carries data. */
function refusal(res: GraphQLResponse) {
  expect(res.data ?? null, JSON.stringify(res)).toBeNull();
  expect(res.errors, JSON.stringify(res)).toHaveLength(1);
  return res.errors![0]!;
}

/** Everything this file could have written for a cart and the variant in it. */
async function footprint(cartId: string, variantId: string) {
  return {
    lines: await count((sql) => sql`select count(*)::int as n from orders.cart_lines where cart_id = ${cartId}`),
    units: await count((sql) => sql`select coalesce(sum(quantity), 0)::int as n from orders.cart_lines where cart_id = ${cartId}`),
    version: await count((sql) => sql`select version as n from orders.carts where id = ${cartId}`),
    checkouts: await count((sql) => sql`select count(*)::int as n from orders.checkouts where cart_id = ${cartId}`),
    orders: await count((sql) => sql`select count(*)::int as n from orders.order_lines where variant_id = ${variantId}`),
    holds: await count((sql) => sql`select count(*)::int as n from stock.reservation_allocations where variant_id = ${variantId}`),
  };
}

describe('bad checkout input', () => {
  let v: string;
  let cart: Awaited<ReturnType<typeof readyCart>>;

  beforeAll(async () => {
    // 1 x 10.00 EUR gross + standard shipping 4.90 = 14.90.
    v = await sellable({ eur: 1000, stock: 5 });
    cart = await readyCart('b2c', anna, [{ variantId: v, quantity: 1 }]);
    expect(cart.totals!.total).toEqual({ amount: 1490, currency: 'EUR' });
  });

  /** The cart as readyCart left it: one line of 1 unit, version 3 (created, lines added, details set), nothing else. */
  const untouched = () => ({ lines: 1, units: 1, version: cart.version, checkouts: 0, orders: 0, holds: 0 });

  it('refuses quantities outside 1 to 10,000 on a line', async () => {
    expect(cart.version).toBe(3);
    for (const quantity of [0, -1, 10_001]) {
      const error = refusal(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: v, quantity }] }, anna));
      expect(error.extensions, String(quantity)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_QUANTITY', argument: 'lines[0].quantity' });
    }
    // 10^12 is not a GraphQL Int (32 bits): refused by coercion before any resolver runs.
    const huge = await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: v, quantity: 1e12 }] }, anna);
    expect(refusal(huge).extensions?.code).toBe('BAD_USER_INPUT');
    // UpdateCartLine keeps the same bounds (0 removes the line, so -1 and 10,001 are the ones to refuse).
    for (const quantity of [-1, 10_001]) {
      const error = refusal(await op('b2c', 'UpdateCartLine', { cartId: cart.id, variantId: v, quantity }, anna));
      expect(error.extensions, String(quantity)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_QUANTITY', argument: 'quantity' });
    }
    expect(await footprint(cart.id, v)).toEqual(untouched());
  });

  // Found by this file: the merged quantity was left to the table's CHECK, which answered INTERNAL_SERVER_ERROR.
  it('refuses lines that add up to more than 10,000 units of one variant, in one request or with what the cart holds', async () => {
    // A cart of its own, so that what this bug does cannot touch the other tests' cart.
    const v = await sellable({ eur: 1000, stock: 5 });
    const cart = await readyCart('b2c', anna, [{ variantId: v, quantity: 1 }]);
    const split = refusal(
      await op(
        'b2c',
        'AddCartLines',
        {
          cartId: cart.id,
          lines: [
            { variantId: v, quantity: 6000 },
            { variantId: v, quantity: 6000 },
          ],
        },
        anna,
      ),
    );
    // The cart holds 1 unit already: 1 + 10,000 = 10,001.
    const onTop = refusal(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: v, quantity: 10_000 }] }, anna));
    expect(await footprint(cart.id, v)).toEqual({ lines: 1, units: 1, version: 3, checkouts: 0, orders: 0, holds: 0 });
    expect([split.extensions?.code, onTop.extensions?.code]).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });

  it('refuses unknown and hidden variants alike with NOT_IN_CHANNEL', async () => {
    const unknown = refusal(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: 'var_does_not_exist', quantity: 1 }] }, anna));
    expect(unknown.extensions).toMatchObject({ code: 'NOT_IN_CHANNEL', variantIds: ['var_does_not_exist'] });
    // var_0010_1 is a demo trade bulk pack, sold only in trade-eu.
    const hidden = refusal(
      await op(
        'b2c',
        'AddCartLines',
        {
          cartId: cart.id,
          lines: [
            { variantId: v, quantity: 1 },
            { variantId: 'var_0010_1', quantity: 1 },
          ],
        },
        anna,
      ),
    );
    expect(hidden.extensions).toMatchObject({ code: 'NOT_IN_CHANNEL', variantIds: ['var_0010_1'] });
    expect(await footprint(cart.id, v)).toEqual(untouched());
  });

  it('refuses 1,000 lines in one request', async () => {
    const lines = Array.from({ length: 1000 }, () => ({ variantId: v, quantity: 1 }));
    const error = refusal(await op('b2c', 'AddCartLines', { cartId: cart.id, lines }, anna));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'lines' });
    expect(await footprint(cart.id, v)).toEqual(untouched());
  });

  it('refuses a malformed address, naming the field', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['a country name instead of a code', { ...BERLIN_ADDRESS, country: 'Germany' }, 'input.shippingAddress.country'],
      ['an empty city', { ...BERLIN_ADDRESS, city: '' }, 'input.shippingAddress.city'],
      ['a 201-character first line', { ...BERLIN_ADDRESS, line1: 'x'.repeat(201) }, 'input.shippingAddress.line1'],
    ];
    for (const [name, address, argument] of cases) {
      const error = refusal(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: address } }, anna));
      expect(error.extensions, name).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ADDRESS', argument });
    }
    expect(await footprint(cart.id, v)).toEqual(untouched());
    expect(data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart.shippingAddress).toMatchObject(BERLIN_ADDRESS);
  });

  it('refuses malformed placeOrder input before starting a checkout', async () => {
    const input = (over: Record<string, unknown>) => ({
      input: { cartId: cart.id, idempotencyKey: key('input'), expectedTotal: { amount: 1490, currency: 'EUR' }, payment: { provider: 'manual' }, ...over },
    });
    const place = (over: Record<string, unknown>) => op('b2c', 'PlaceOrder', input(over), anna);

    expect(refusal(await place({ expectedTotal: { amount: 1490, currency: 'USD' } })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.expectedTotal.currency',
    });
    expect(refusal(await place({ idempotencyKey: 'short' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.idempotencyKey' });
    // A NUL never reaches PostgreSQL: the BFF refuses it at the edge.
    const nul = await place({ idempotencyKey: 'checkout-\u0000-key' });
    expect(nul.status).toBe(400);
    expect(refusal(nul).extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CONTROL_CHARACTER', argument: '$.input.idempotencyKey' });
    expect(refusal(await place({ payment: { provider: 'paypal' } })).extensions?.code).toBe('BAD_USER_INPUT');

    expect(await footprint(cart.id, v)).toEqual(untouched());
    expect(await stockOf(v)).toEqual({ on_hand: 5, reserved: 0 });
    expect(data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart.status).toBe('ACTIVE');
  });

  // Found by this file: without the token the saga started, reserved and released stock, and answered
  // PaymentUnavailable instead of saying what to fix.
  it('refuses a card payment without a payment method token before starting a checkout', async () => {
    const v = await sellable({ eur: 1000, stock: 5 });
    const cart = await readyCart('b2c', anna, [{ variantId: v, quantity: 1 }]);
    const res = await op(
      'b2c',
      'PlaceOrder',
      { input: { cartId: cart.id, idempotencyKey: key('no-token'), expectedTotal: { amount: 1490, currency: 'EUR' }, payment: { provider: 'card' } } },
      anna,
    );
    const footprintAfter = await footprint(cart.id, v);
    expect(refusal(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.payment.token' });
    expect(footprintAfter).toEqual({ lines: 1, units: 1, version: 3, checkouts: 0, orders: 0, holds: 0 });
    expect(await stockOf(v)).toEqual({ on_hand: 5, reserved: 0 });
  });

  it('refuses a change made against a stale version with CONFLICT CART_VERSION', async () => {
    const stale = cart.version - 1;
    const error = refusal(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: v, quantity: 1 }], expectedVersion: stale }, anna));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CART_VERSION', version: cart.version });
    const details = refusal(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { shippingMethod: 'express' }, expectedVersion: stale }, anna));
    expect(details.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CART_VERSION' });
    expect(await footprint(cart.id, v)).toEqual(untouched());
    expect(data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart.shippingMethod).toBe('standard');
  });
});

describe("another customer's cart", () => {
  it('reads as absent and refuses every change and the checkout with NOT_FOUND, saying nothing about it', async () => {
    const v = await sellable({ eur: 1000, stock: 5 });
    const secret = `anna-${key('private')}@example.com`.toLowerCase();
    const annas = await readyCart('b2c', anna, [{ variantId: v, quantity: 1 }]);
    data(await op('b2c', 'SetCartDetails', { cartId: annas.id, input: { email: secret } }, anna));
    const before = await footprint(annas.id, v);
    // A cart id that exists nowhere: Ben must not be able to tell the two apart.
    const nowhere = '00000000-0000-4000-8000-000000000000';

    for (const id of [annas.id, nowhere]) {
      const read = await op('b2c', 'Cart', { id }, ben);
      expect(read.errors).toBeUndefined();
      expect(read.data).toEqual({ cart: null });
    }
    const attempts: [string, (id: string) => Record<string, unknown>][] = [
      ['AddCartLines', (id) => ({ cartId: id, lines: [{ variantId: v, quantity: 1 }] })],
      ['UpdateCartLine', (id) => ({ cartId: id, variantId: v, quantity: 3 })],
      ['SetCartDetails', (id) => ({ cartId: id, input: { shippingMethod: 'express' } })],
      [
        'PlaceOrder',
        (id) => ({ input: { cartId: id, idempotencyKey: key('not-mine'), expectedTotal: { amount: 1490, currency: 'EUR' }, payment: { provider: 'manual' } } }),
      ],
    ];
    for (const [operation, variables] of attempts) {
      const theirs = refusal(await op('b2c', operation, variables(annas.id), ben));
      const none = refusal(await op('b2c', operation, variables(nowhere), ben));
      expect(theirs.extensions?.code, operation).toBe('NOT_FOUND');
      // The same answer as for a cart that does not exist, but for the id Ben sent himself.
      expect(theirs.message.replace(annas.id, '<id>'), operation).toBe(none.message.replace(nowhere, '<id>'));
      expect(JSON.stringify(theirs).replace(annas.id, '<id>'), operation).toBe(JSON.stringify(none).replace(nowhere, '<id>'));
      for (const leak of [secret, 'Berlin', 'Hauptstraße']) expect(JSON.stringify(theirs), operation).not.toContain(leak);
    }

    expect(await footprint(annas.id, v)).toEqual(before);
    expect(await footprint(annas.id, v)).toEqual({ lines: 1, units: 1, version: annas.version + 1, checkouts: 0, orders: 0, holds: 0 });
    const still = data(await op('b2c', 'Cart', { id: annas.id }, anna)).cart;
    expect({ status: still.status, email: still.email, shippingMethod: still.shippingMethod }).toEqual({
      status: 'ACTIVE',
      email: secret,
      shippingMethod: 'standard',
    });
  });
});

describe('a cart that is not ready', () => {
  it('answers CartNotReady listing NO_ADDRESS, and holds nothing', async () => {
    const v = await sellable({ eur: 1000, stock: 5 });
    const cart = data(await op('b2c', 'CreateCart', { email: 'shopper@example.com' }, anna)).createCart;
    data(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: v, quantity: 1 }] }, anna));
    const shown = data(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { shippingMethod: 'standard' } }, anna)).setCartDetails;
    // Priced for the channel's country meanwhile: 10.00 + 4.90 = 14.90; the cart says what is missing.
    expect(shown.totals.total).toEqual({ amount: 1490, currency: 'EUR' });
    expect(shown.problems.map((p: any) => p.code)).toEqual(['NO_ADDRESS']);

    const answer = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('not-ready'), expectedTotal: { amount: 1490, currency: 'EUR' }, payment: { provider: 'manual' } } },
        anna,
      ),
    ).placeOrder;

    expect(answer.__typename).toBe('CartNotReady');
    expect(answer.problems.map((p: any) => [p.code, p.variantId])).toEqual([['NO_ADDRESS', null]]);
    const after = await footprint(cart.id, v);
    // The saga recorded its answer (a retry with the key gets it again) and reserved nothing.
    expect(after).toEqual({ lines: 1, units: 1, version: 3, checkouts: 1, orders: 0, holds: 0 });
    expect(await stockOf(v)).toEqual({ on_hand: 5, reserved: 0 });
    expect(data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart.status).toBe('ACTIVE');
  });
});

describe('an idle cart', () => {
  it('expires: it reads as gone and takes no more changes or orders', async () => {
    const shopper = await testCustomer('idle');
    const v = await sellable({ eur: 1000, stock: 3 });
    const cart = await readyCart('b2c', shopper, [{ variantId: v, quantity: 1 }]);
    // The idle time (ORDERS_CART_IDLE_HOURS, two weeks by default) has passed: moved back by the database's clock.
    await one((sql) => sql`update orders.carts set expires_at = now() - interval '1 second' where id = ${cart.id} returning id`);
    expect(data(await op('b2c', 'Cart', { id: cart.id }, shopper)).cart).toBeNull();
    expect(data(await op('b2c', 'MyCart', {}, shopper)).myCart).toBeNull();
    const add = await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: v, quantity: 1 }] }, shopper);
    expect(add.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const place = await op(
      'b2c',
      'PlaceOrder',
      { input: { cartId: cart.id, idempotencyKey: key('idle'), expectedTotal: { amount: 1490, currency: 'EUR' }, payment: { provider: 'manual' } } },
      shopper,
    );
    expect(place.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await stockOf(v)).toEqual({ on_hand: 3, reserved: 0 });
  });
});
