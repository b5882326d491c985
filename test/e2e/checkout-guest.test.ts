import { describe, expect, it } from 'vitest';
import { bff, system, tokenFor } from '../support/clients.ts';
import { BERLIN_ADDRESS, data, key, one, op, sellable, stockOf } from './checkout-support.ts';

/** A guest session from the storefront BFF, as a shop's first page load gets one. */
async function guest(): Promise<{ accessToken: string; guestId: string }> {
  const res = await fetch(system().b2c.replace(/\/graphql$/, '/auth/guest'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
  return (await res.json()) as { accessToken: string; guestId: string };
}

describe('guest checkout on the web shop', () => {
  it('lets a guest session build a cart and order with an email, and only that session sees the order', async () => {
    const a = await sellable({ eur: 2500, stock: 4 });
    const g = await guest();
    expect(g.guestId).toMatch(/^gst_[0-9a-f]{32}$/);
    const auth = { token: g.accessToken };
    const cart = data(await op('b2c', 'CreateCart', {}, auth)).createCart;
    expect(cart.problems.map((p: { code: string }) => p.code)).toEqual(['EMPTY', 'NO_EMAIL', 'NO_ADDRESS', 'NO_SHIPPING_METHOD']);
    data(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: a, quantity: 1 }] }, auth));
    const ready = data(
      await op(
        'b2c',
        'SetCartDetails',
        { cartId: cart.id, input: { email: 'Guest@Example.com', shippingAddress: BERLIN_ADDRESS, shippingMethod: 'express' } },
        auth,
      ),
    ).setCartDetails;
    // 25.00 + express 12.90 = 37.90 EUR; the email is stored lower-cased.
    expect(ready.problems).toEqual([]);
    expect(ready.email).toBe('guest@example.com');
    expect(ready.totals.total).toEqual({ amount: 3790, currency: 'EUR' });
    expect(ready.totals.shipping).toEqual({ amount: 1290, currency: 'EUR' });
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('guest'), expectedTotal: { amount: 3790, currency: 'EUR' }, payment: { provider: 'manual' } } },
        auth,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    expect(placed.order.email).toBe('guest@example.com');
    expect(placed.order.shippingTotal).toEqual({ amount: 1290, currency: 'EUR' });
    expect(await stockOf(a)).toEqual({ on_hand: 3, reserved: 0 });
    expect(data(await op('b2c', 'OrderStatus', { id: placed.order.id }, auth)).order.total).toEqual({ amount: 3790, currency: 'EUR' });
    // Another guest session, and a signed-in customer, see neither the cart nor the order.
    const other = { token: (await guest()).accessToken };
    expect(data(await op('b2c', 'OrderStatus', { id: placed.order.id }, other)).order).toBeNull();
    expect(data(await op('b2c', 'Cart', { id: cart.id }, other)).cart).toBeNull();
    expect(data(await op('b2c', 'OrderStatus', { id: placed.order.id }, { as: 'chloe@example.com' })).order).toBeNull();
  });

  it('hands the guest cart to a customer who signs in with none, then merges a later guest cart into it', async () => {
    const a = await sellable({ eur: 1000, stock: 10 });
    const b = await sellable({ eur: 1000, stock: 10 });
    const chloe = await tokenFor('chloe@example.com');

    // 1. A guest cart, then sign-in: chloe has no active cart, so the guest cart becomes hers.
    const g1 = await guest();
    const first = data(await op('b2c', 'CreateCart', {}, { token: g1.accessToken })).createCart;
    data(await op('b2c', 'AddCartLines', { cartId: first.id, lines: [{ variantId: a, quantity: 2 }] }, { token: g1.accessToken }));
    const adopted = await mergeAs(chloe, g1.accessToken);
    expect(adopted.id).toBe(first.id);
    expect(adopted.lines.map((l: any) => [l.variant.id, l.quantity])).toEqual([[a, 2]]);
    // The guest session no longer owns it.
    expect(data(await op('b2c', 'Cart', { id: first.id }, { token: g1.accessToken })).cart).toBeNull();

    // 2. Shopping as a guest again (another session): its lines are added to chloe's cart on sign-in.
    const g2 = await guest();
    const second = data(await op('b2c', 'CreateCart', {}, { token: g2.accessToken })).createCart;
    data(
      await op(
        'b2c',
        'AddCartLines',
        {
          cartId: second.id,
          lines: [
            { variantId: a, quantity: 1 },
            { variantId: b, quantity: 3 },
          ],
        },
        { token: g2.accessToken },
      ),
    );
    const merged = await mergeAs(chloe, g2.accessToken);
    expect(merged.id).toBe(first.id);
    const lines = Object.fromEntries(merged.lines.map((l: any) => [l.variant.id, l.quantity]));
    expect(lines).toEqual({ [a]: 3, [b]: 3 });
    const status = await one((sql) => sql<{ status: string }[]>`select status from orders.carts where id = ${second.id}`);
    expect(status.status).toBe('MERGED');
  });

  it('offers no guest sessions on the trade portal', async () => {
    const res = await fetch(system().b2b.replace(/\/graphql$/, '/auth/guest'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
  });
});

async function mergeAs(customerToken: string, guestToken: string) {
  const res = await bff('b2c', 'MergeGuestCart', {}, { token: customerToken, headers: { 'x-guest-token': guestToken } });
  expect(res.errors).toBeUndefined();
  return res.data.mergeGuestCart;
}
