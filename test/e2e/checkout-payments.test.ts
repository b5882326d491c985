import { describe, expect, it } from 'vitest';
import { sqlClient, system } from '../support/clients.ts';
import { data, key, op, readyCart, sellable, stockOf, testIdentity } from './checkout-support.ts';

/**
 * Payment outcomes of the checkout, against the card provider stand-in (a third party, on a real port):
 * a decline or a provider that never answers leaves nothing held or charged and the cart usable; a
 * flaky provider is retried under the same key; a customer's cancellation voids the authorisation.
 */

const anna = testIdentity('checkout-payments-anna');
const ben = testIdentity('checkout-payments-ben');

interface Intent {
  status: string;
  amount: number;
  currency: string;
}

/** The intents the stand-in holds for one checkout (our reference there is the saga id), oldest first. */
async function intentsOf(checkoutId: string): Promise<Intent[]> {
  const res = await fetch(`${system().cardProvider}/__standin/intents?reference=${encodeURIComponent(checkoutId)}`);
  const body = (await res.json()) as { data: Intent[] };
  return body.data.map(({ status, amount, currency }) => ({ status, amount, currency }));
}

/** Requests the stand-in received under one Idempotency-Key, retries included. */
async function providerCalls(idempotencyKey: string): Promise<number> {
  const res = await fetch(`${system().cardProvider}/__standin/calls?idempotency_key=${encodeURIComponent(idempotencyKey)}`);
  return ((await res.json()) as { calls: number }).calls;
}

/** The saga a key started for a cart, and the status of the stock hold its reserve step made. */
async function sagaOf(cartId: string, idempotencyKey: string): Promise<{ id: string; status: string; reservation: string | null }> {
  const sql = sqlClient();
  try {
    const [row] = await sql<{ id: string; status: string; reservation: string | null }[]>`
      select c.id, c.status, r.status::text as reservation
      from orders.checkouts c
      left join orders.checkout_steps s on s.checkout_id = c.id and s.step = 'reserve'
      left join stock.reservations r on r.id = (s.outcome->>'reservationId')::uuid
      where c.cart_id = ${cartId} and c.idempotency_key = ${idempotencyKey}`;
    if (!row) throw new Error(`no checkout for ${cartId} / ${idempotencyKey}`);
    return row;
  } finally {
    await sql.end();
  }
}

function placeOrder(cartId: string, idempotencyKey: string, total: number, payment: Record<string, unknown>, auth = anna) {
  return op('b2c', 'PlaceOrder', { input: { cartId, idempotencyKey, expectedTotal: { amount: total, currency: 'EUR' }, payment } }, auth);
}

const card = (token: string) => ({ provider: 'card', token });

describe('paying for an order', () => {
  it('answers a declined card with its decline code, releases the hold, and takes another card on a second attempt', async () => {
    // 1 x 20.00 EUR gross + standard shipping 4.90 (below the 50.00 free-from) = 24.90.
    const a = await sellable({ eur: 2000, stock: 5 });
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 1 }]);
    expect(cart.totals!.total).toEqual({ amount: 2490, currency: 'EUR' });
    const declinedKey = key('declined');

    const declined = data(await placeOrder(cart.id, declinedKey, 2490, card('tok_declined'))).placeOrder;

    expect(declined).toEqual({ __typename: 'PaymentDeclined', reason: 'Your card was declined.', declineCode: 'generic_decline' });
    const failed = await sagaOf(cart.id, declinedKey);
    expect({ status: failed.status, reservation: failed.reservation }).toEqual({ status: 'FAILED', reservation: 'RELEASED' });
    expect(await stockOf(a)).toEqual({ on_hand: 5, reserved: 0 });
    // The provider keeps the declined attempt; nothing is authorised.
    expect(await intentsOf(failed.id)).toEqual([{ status: 'requires_payment_method', amount: 2490, currency: 'eur' }]);
    const usable = data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart;
    expect({ status: usable.status, order: usable.order }).toEqual({ status: 'ACTIVE', order: null });

    const retryKey = key('other-card');
    const placed = data(await placeOrder(cart.id, retryKey, 2490, card('tok_visa'))).placeOrder;

    expect(placed.__typename).toBe('OrderPlaced');
    expect(placed.order).toMatchObject({ status: 'PLACED', total: { amount: 2490, currency: 'EUR' }, payment: { provider: 'card', status: 'AUTHORIZED' } });
    const saga = await sagaOf(cart.id, retryKey);
    expect({ status: saga.status, reservation: saga.reservation }).toEqual({ status: 'COMPLETED', reservation: 'CONFIRMED' });
    expect(await intentsOf(saga.id)).toEqual([{ status: 'requires_capture', amount: 2490, currency: 'eur' }]);
    expect(await stockOf(a)).toEqual({ on_hand: 4, reserved: 0 });
  });

  it('answers PaymentUnavailable when the provider never answers, voids the authorisation it made and releases the hold', async () => {
    // 2 x 15.00 EUR gross = 30.00 + 4.90 shipping = 34.90.
    const a = await sellable({ eur: 1500, stock: 4 });
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 2 }]);
    expect(cart.totals!.total).toEqual({ amount: 3490, currency: 'EUR' });
    const k = key('timeout');

    const answer = data(await placeOrder(cart.id, k, 3490, card('tok_timeout'))).placeOrder;

    expect(answer).toEqual({ __typename: 'PaymentUnavailable', message: 'the payment provider did not answer; nothing was charged' });
    const saga = await sagaOf(cart.id, k);
    expect({ status: saga.status, reservation: saga.reservation }).toEqual({ status: 'FAILED', reservation: 'RELEASED' });
    // The provider did authorise (its answer was lost): found by our key and cancelled.
    expect(await intentsOf(saga.id)).toEqual([{ status: 'canceled', amount: 3490, currency: 'eur' }]);
    expect(await stockOf(a)).toEqual({ on_hand: 4, reserved: 0 });
    expect(data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart.status).toBe('ACTIVE');
  });

  it('retries a provider that fails once under the same key, and authorises exactly once', async () => {
    // 3 x 20.00 EUR gross = 60.00, free standard shipping from 50.00: 60.00.
    const a = await sellable({ eur: 2000, stock: 5 });
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 3 }]);
    expect(cart.totals!.total).toEqual({ amount: 6000, currency: 'EUR' });
    const k = key('flaky');

    const placed = data(await placeOrder(cart.id, k, 6000, card('tok_flaky'))).placeOrder;

    expect(placed.__typename).toBe('OrderPlaced');
    expect(placed.order).toMatchObject({ total: { amount: 6000, currency: 'EUR' }, payment: { provider: 'card', status: 'AUTHORIZED' } });
    const saga = await sagaOf(cart.id, k);
    expect(await intentsOf(saga.id)).toEqual([{ status: 'requires_capture', amount: 6000, currency: 'eur' }]);
    // The 503 and the retry that authorised, both under the saga's authorisation key.
    expect(await providerCalls(`${saga.id}:authorize`)).toBe(2);
    expect(await stockOf(a)).toEqual({ on_hand: 2, reserved: 0 });
  });

  it('takes a manual payment without asking the card provider', async () => {
    // 1 x 12.50 EUR gross + express 12.90 (flat, never free) = 25.40; tax inside (19%):
    // goods 1250 x 1900 / 11900 = 199.6 -> 200, shipping 1290 x 1900 / 11900 = 205.97 -> 206; 4.06 in all.
    const a = await sellable({ eur: 1250, stock: 3 });
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 1 }], 'express');
    expect(cart.totals!.total).toEqual({ amount: 2540, currency: 'EUR' });
    const k = key('manual');

    const placed = data(await placeOrder(cart.id, k, 2540, { provider: 'manual' })).placeOrder;

    expect(placed.__typename).toBe('OrderPlaced');
    expect(placed.order).toMatchObject({
      status: 'PLACED',
      shippingMethod: 'express',
      subtotal: { amount: 1250, currency: 'EUR' },
      shippingTotal: { amount: 1290, currency: 'EUR' },
      taxTotal: { amount: 406, currency: 'EUR' },
      total: { amount: 2540, currency: 'EUR' },
      payment: { provider: 'manual', status: 'AUTHORIZED' },
    });
    const saga = await sagaOf(cart.id, k);
    expect({ status: saga.status, reservation: saga.reservation }).toEqual({ status: 'COMPLETED', reservation: 'CONFIRMED' });
    expect(await intentsOf(saga.id)).toEqual([]);
    expect(await stockOf(a)).toEqual({ on_hand: 2, reserved: 0 });
  });

  it("voids the card authorisation when the customer cancels a placed order, and refuses anyone else's cancellation", async () => {
    // 1 x 40.00 EUR gross + 4.90 shipping = 44.90.
    const a = await sellable({ eur: 4000, stock: 2 });
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 1 }]);
    expect(cart.totals!.total).toEqual({ amount: 4490, currency: 'EUR' });
    const k = key('cancel');
    const placed = data(await placeOrder(cart.id, k, 4490, card('tok_visa'))).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const orderId = placed.order.id as string;
    const saga = await sagaOf(cart.id, k);

    // Ben is told there is no such order, and nothing moves.
    const bens = await op('b2c', 'CancelOrder', { id: orderId, reason: 'not mine' }, ben);
    expect(bens.data ?? null).toBeNull();
    expect(bens.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(bens)).not.toContain(placed.order.number);
    expect(data(await op('b2c', 'OrderStatus', { id: orderId }, anna)).order).toMatchObject({ status: 'PLACED', cancelReason: null });
    expect(await intentsOf(saga.id)).toEqual([{ status: 'requires_capture', amount: 4490, currency: 'eur' }]);

    const cancelled = data(await op('b2c', 'CancelOrder', { id: orderId, reason: 'ordered by mistake' }, anna)).cancelOrder;

    expect(cancelled).toEqual({
      __typename: 'OrderStatusChanged',
      order: { id: orderId, status: 'CANCELLED', cancelReason: 'ordered by mistake', payment: { provider: 'card', status: 'VOIDED' } },
    });
    expect(await intentsOf(saga.id)).toEqual([{ status: 'canceled', amount: 4490, currency: 'eur' }]);
    expect(data(await op('b2c', 'OrderStatus', { id: orderId }, anna)).order).toMatchObject({
      status: 'CANCELLED',
      payment: { provider: 'card', status: 'VOIDED' },
    });
  });
});
