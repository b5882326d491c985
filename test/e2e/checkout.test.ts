import { describe, expect, it } from 'vitest';
import { BERLIN_ADDRESS, data, key, one, op, readyCart, sellable, stockOf, testCustomer, testIdentity } from './checkout-support.ts';

const anna = testIdentity('checkout-anna');
const ben = testIdentity('checkout-ben');

describe('a signed-in customer checks out on the web shop', () => {
  it('places an order charged exactly the quote, with stock sold and the order.placed event written', async () => {
    // 20.00 and 15.00 EUR gross (web-eu prices include 19% VAT): 2 x 20.00 + 1 x 15.00 = 55.00, above the
    // 50.00 free-shipping threshold of `standard`, so the total is 55.00.
    const a = await sellable({ eur: 2000, stock: 10 });
    const b = await sellable({ eur: 1500, stock: 10 });
    const cart = await readyCart('b2c', anna, [
      { variantId: a, quantity: 1 },
      { variantId: b, quantity: 1 },
      { variantId: a, quantity: 1 },
    ]);
    expect(cart.problems).toEqual([]);
    expect(cart.totals!.total).toEqual({ amount: 5500, currency: 'EUR' });

    const res = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('happy'), expectedTotal: { amount: 5500, currency: 'EUR' }, payment: { provider: 'manual' } } },
        anna,
      ),
    ).placeOrder;
    expect(res.__typename).toBe('OrderPlaced');
    const order = res.order;
    expect(order.number).toMatch(/^WEB-EU-\d{6}$/);
    expect(order.status).toBe('PLACED');
    expect(order.total).toEqual({ amount: 5500, currency: 'EUR' });
    expect(order.subtotal).toEqual({ amount: 5500, currency: 'EUR' });
    expect(order.shippingTotal).toEqual({ amount: 0, currency: 'EUR' });
    expect(order.payment).toEqual({ provider: 'manual', status: 'AUTHORIZED' });
    expect(order.shippingAddress).toMatchObject(BERLIN_ADDRESS);
    const lines = order.lines.map((l: any) => [l.variant.id, l.quantity, l.unitPrice.amount, l.lineTotal.amount]);
    expect(lines).toEqual(
      [
        [a, 2, 2000, 4000],
        [b, 1, 1500, 1500],
      ].sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1)),
    );

    // Sold, not just held: on hand down by what was ordered, nothing left reserved.
    expect(await stockOf(a)).toEqual({ on_hand: 8, reserved: 0 });
    expect(await stockOf(b)).toEqual({ on_hand: 9, reserved: 0 });
    const event = await one(
      (sql) => sql<{ n: number; type: string }[]>`select count(*)::int as n, min(type) as type from orders.outbox where aggregate_id = ${order.id}`,
    );
    expect(event).toEqual({ n: 1, type: 'order.placed' });
    const after = data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart;
    expect(after.status).toBe('COMPLETED');
    expect(after.order).toEqual({ id: order.id, number: order.number, status: 'PLACED' });
    // The customer finds it in their history and by id.
    expect(data(await op('b2c', 'OrderStatus', { id: order.id }, anna)).order.number).toBe(order.number);
  });

  it('answers PriceChanged when the total moved since the shopper saw it, and holds and charges nothing', async () => {
    const a = await sellable({ eur: 3000, stock: 5 });
    // 2 x 30.00 = 60.00; the shopper last saw 59.00.
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 2 }]);
    expect(cart.totals!.total.amount).toBe(6000);
    const res = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('moved'), expectedTotal: { amount: 5900, currency: 'EUR' }, payment: { provider: 'manual' } } },
        anna,
      ),
    ).placeOrder;
    expect(res).toEqual({ __typename: 'PriceChanged', expected: { amount: 5900, currency: 'EUR' }, actual: { amount: 6000, currency: 'EUR' } });
    expect(await stockOf(a)).toEqual({ on_hand: 5, reserved: 0 });
    expect(data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart.status).toBe('ACTIVE');
  });

  it('answers InsufficientStock with the short lines, reserves nothing, and leaves the cart usable', async () => {
    const a = await sellable({ eur: 1000, stock: 1 });
    const b = await sellable({ eur: 1000, stock: 5 });
    const cart = await readyCart('b2c', anna, [
      { variantId: a, quantity: 2 },
      { variantId: b, quantity: 1 },
    ]);
    // 2 x 10.00 + 10.00 = 30.00, below 50.00: standard shipping 4.90 is added.
    expect(cart.totals!.total.amount).toBe(3490);
    const res = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('short'), expectedTotal: { amount: 3490, currency: 'EUR' }, payment: { provider: 'manual' } } },
        anna,
      ),
    ).placeOrder;
    expect(res).toEqual({ __typename: 'InsufficientStock', lines: [{ variant: { id: a }, requested: 2, available: 1 }] });
    expect(await stockOf(b)).toEqual({ on_hand: 5, reserved: 0 });
    // Fix the cart and order again with a new key.
    data(await op('b2c', 'UpdateCartLine', { cartId: cart.id, variantId: a, quantity: 1 }, anna));
    const again = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('short-2'), expectedTotal: { amount: 2490, currency: 'EUR' }, payment: { provider: 'manual' } } },
        anna,
      ),
    ).placeOrder;
    expect(again.__typename).toBe('OrderPlaced');
    expect(again.order.total).toEqual({ amount: 2490, currency: 'EUR' });
    expect(await stockOf(a)).toEqual({ on_hand: 0, reserved: 0 });
  });
});

describe('cancelling an order', () => {
  it('puts the sold units back on hand and answers the order CANCELLED; a second cancel is an illegal transition', async () => {
    const a = await sellable({ eur: 6000, stock: 3 });
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 2 }]);
    // 2 x 60.00 = 120.00, free shipping.
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('cancel'), expectedTotal: { amount: 12000, currency: 'EUR' }, payment: { provider: 'manual' } } },
        anna,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    expect(await stockOf(a)).toEqual({ on_hand: 1, reserved: 0 });
    const cancelled = data(await op('b2c', 'CancelOrder', { id: placed.order.id, reason: 'changed my mind' }, anna)).cancelOrder;
    expect(cancelled).toEqual({
      __typename: 'OrderStatusChanged',
      order: { id: placed.order.id, status: 'CANCELLED', cancelReason: 'changed my mind', payment: { provider: 'manual', status: 'VOIDED' } },
    });
    expect(await stockOf(a)).toEqual({ on_hand: 3, reserved: 0 });
    const again = data(await op('b2c', 'CancelOrder', { id: placed.order.id, reason: 'again' }, anna)).cancelOrder;
    expect(again).toEqual({ __typename: 'IllegalOrderTransition', from: 'CANCELLED', to: 'CANCELLED', allowed: [] });
    expect(await stockOf(a)).toEqual({ on_hand: 3, reserved: 0 });
    const events = await one(
      (sql) => sql<{ types: string[] }[]>`select array_agg(type order by id) as types from orders.outbox where aggregate_id = ${placed.order.id}`,
    );
    expect(events.types).toEqual(['order.placed', 'order.cancelled']);
  });

  it('does not let ben cancel (or see) anna’s order', async () => {
    const a = await sellable({ eur: 6000, stock: 2 });
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 1 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('foreign'), expectedTotal: { amount: 6000, currency: 'EUR' }, payment: { provider: 'manual' } } },
        anna,
      ),
    ).placeOrder;
    const res = await op('b2c', 'CancelOrder', { id: placed.order.id, reason: 'not mine' }, ben);
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(data(await op('b2c', 'OrderStatus', { id: placed.order.id }, ben)).order).toBeNull();
    expect(data(await op('b2c', 'OrderStatus', { id: placed.order.id }, anna)).order.status).toBe('PLACED');
  });
});

describe('a coupon at checkout', () => {
  it('charges the discounted quote and records the redemption against the order, once per customer', async () => {
    const shopper = await testCustomer('coupon');
    const a = await sellable({ eur: 10_000, stock: 5 });
    const cart = await readyCart('b2c', shopper, [{ variantId: a, quantity: 1 }]);
    const withCoupon = data(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { couponCodes: ['welcome10'] } }, shopper)).setCartDetails;
    // WELCOME10 (web-eu demo): 10% off the subtotal. 100.00 - 10.00 = 90.00, free shipping from 50.00.
    expect(withCoupon.couponCodes).toEqual(['WELCOME10']);
    expect(withCoupon.totals.discount).toEqual({ amount: 1000, currency: 'EUR' });
    expect(withCoupon.totals.total).toEqual({ amount: 9000, currency: 'EUR' });
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('coupon'), expectedTotal: { amount: 9000, currency: 'EUR' }, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    expect(placed.order.discountTotal).toEqual({ amount: 1000, currency: 'EUR' });
    expect(placed.order.total).toEqual({ amount: 9000, currency: 'EUR' });
    const redeemed = await one(
      (sql) => sql<{ n: number; promotion: string }[]>`
      select count(*)::int as n, min(promotion_id) as promotion from prices.promotion_redemptions where order_id = ${placed.order.id}`,
    );
    expect(redeemed).toEqual({ n: 1, promotion: 'promo_web_eu_welcome10' });
    // Once per customer: a second cart of the same customer is no longer discounted.
    const again = await readyCart('b2c', shopper, [{ variantId: a, quantity: 1 }]);
    const second = data(await op('b2c', 'SetCartDetails', { cartId: again.id, input: { couponCodes: ['WELCOME10'] } }, shopper)).setCartDetails;
    expect(second.totals.total).toEqual({ amount: 10_000, currency: 'EUR' });
  });
});
