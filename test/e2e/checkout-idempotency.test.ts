import { describe, expect, it } from 'vitest';
import { sqlClient, system } from '../support/clients.ts';
import { data, key, op, readyCart, sellable, stockOf, testIdentity } from './checkout-support.ts';
import { count } from './stock-support.ts';

/**
 * placeOrder's idempotency key: a retry (however often, however concurrently) gets the first answer and
 * never a second order or charge; a key is bound to its request; and two different keys racing for one
 * cart give one order, one authorisation.
 */

const anna = testIdentity('checkout-idempotency-anna');

/** The intents the card provider stand-in holds for one checkout (our reference there is the saga id). */
async function intentsOf(checkoutId: string): Promise<{ status: string; amount: number; currency: string }[]> {
  const res = await fetch(`${system().cardProvider}/__standin/intents?reference=${encodeURIComponent(checkoutId)}`);
  const body = (await res.json()) as { data: { status: string; amount: number; currency: string }[] };
  return body.data.map(({ status, amount, currency }) => ({ status, amount, currency }));
}

/** The sagas started for a cart, by idempotency key. */
async function checkoutsOf(cartId: string): Promise<Map<string, { id: string; status: string }>> {
  const sql = sqlClient();
  try {
    const rows = await sql<{ id: string; idempotency_key: string; status: string }[]>`
      select id, idempotency_key, status from orders.checkouts where cart_id = ${cartId}`;
    return new Map(rows.map((r) => [r.idempotency_key, { id: r.id, status: r.status }]));
  } finally {
    await sql.end();
  }
}

const ordersOfCart = (cartId: string) =>
  count((sql) => sql`select count(*)::int as n from orders.orders where checkout_id in (select id from orders.checkouts where cart_id = ${cartId})`);

/** Holds ever made on a variant (each checkout's reservation allocates from Hamburg once). */
const holdsOn = (variantId: string) =>
  count((sql) => sql`select count(distinct reservation_id)::int as n from stock.reservation_allocations where variant_id = ${variantId}`);

function placeOrder(cartId: string, idempotencyKey: string, total: number, payment: Record<string, unknown> = { provider: 'manual' }) {
  return op('b2c', 'PlaceOrder', { input: { cartId, idempotencyKey, expectedTotal: { amount: total, currency: 'EUR' }, payment } }, anna);
}

describe('placeOrder with an idempotency key', () => {
  it('gives one order, one authorisation and the same answer to 20 identical requests sent at once', async () => {
    // 2 x 25.00 EUR gross = 50.00, which reaches standard shipping's free-from 50.00: total 50.00.
    // Tax inside it (19% DE): 5000 x 1900 / 11900 = 798.3 -> 7.98.
    const a = await sellable({ eur: 2500, stock: 5 });
    const cart = await readyCart('b2c', anna, [{ variantId: a, quantity: 2 }]);
    expect(cart.totals!.total).toEqual({ amount: 5000, currency: 'EUR' });
    const k = key('twenty');

    const answers = await Promise.all(Array.from({ length: 20 }, () => placeOrder(cart.id, k, 5000, { provider: 'card', token: 'tok_visa' })));

    const placed = answers.map((res) => data(res).placeOrder);
    const first = placed[0]!;
    expect(first.__typename).toBe('OrderPlaced');
    expect(first.order).toMatchObject({
      status: 'PLACED',
      total: { amount: 5000, currency: 'EUR' },
      shippingTotal: { amount: 0, currency: 'EUR' },
      taxTotal: { amount: 798, currency: 'EUR' },
      payment: { provider: 'card', status: 'AUTHORIZED' },
    });
    expect(first.order.number).toMatch(/^WEB-EU-\d{6}$/);
    expect(first.order.lines.map((l: any) => [l.variant.id, l.quantity, l.unitPrice.amount, l.lineTotal.amount])).toEqual([[a, 2, 2500, 5000]]);
    // The same answer, field for field, to every one of the 20.
    for (const p of placed) expect(p).toEqual(first);

    const sagas = await checkoutsOf(cart.id);
    expect([...sagas.keys()]).toEqual([k]);
    expect(sagas.get(k)!.status).toBe('COMPLETED');
    expect(await ordersOfCart(cart.id)).toBe(1);
    // Charged once: one authorisation at the provider, for the total.
    expect(await intentsOf(sagas.get(k)!.id)).toEqual([{ status: 'requires_capture', amount: 5000, currency: 'eur' }]);
    // Sold once: 5 - 2 on hand, nothing held, one reservation ever made.
    expect(await stockOf(a)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await holdsOn(a)).toBe(1);
    expect(data(await op('b2c', 'Cart', { id: cart.id }, anna)).cart.order).toEqual({ id: first.order.id, number: first.order.number, status: 'PLACED' });
  });

  it('refuses the same key for another cart with IDEMPOTENCY_KEY_REUSED and writes nothing for it', async () => {
    // Both carts: 2 x 25.00 = 50.00, free shipping; the same expected total, so only the cart differs.
    const a = await sellable({ eur: 2500, stock: 5 });
    const b = await sellable({ eur: 2500, stock: 5 });
    const cartA = await readyCart('b2c', anna, [{ variantId: a, quantity: 2 }]);
    const cartB = await readyCart('b2c', anna, [{ variantId: b, quantity: 2 }]);
    const k = key('reused');
    const first = data(await placeOrder(cartA.id, k, 5000)).placeOrder;
    expect(first.__typename).toBe('OrderPlaced');

    const reused = await placeOrder(cartB.id, k, 5000);

    expect(reused.data ?? null).toBeNull();
    expect(reused.errors).toHaveLength(1);
    expect(reused.errors![0]!.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', argument: 'input.idempotencyKey' });
    // Nothing for cart B: no saga, no order, no hold, the cart as it was.
    expect(await checkoutsOf(cartB.id)).toEqual(new Map());
    expect(await ordersOfCart(cartB.id)).toBe(0);
    expect(await holdsOn(b)).toBe(0);
    expect(await stockOf(b)).toEqual({ on_hand: 5, reserved: 0 });
    const b2 = data(await op('b2c', 'Cart', { id: cartB.id }, anna)).cart;
    expect({ status: b2.status, version: b2.version, order: b2.order }).toEqual({ status: 'ACTIVE', version: cartB.version, order: null });
    // And the key still answers its own request with the first answer.
    expect(data(await placeOrder(cartA.id, k, 5000)).placeOrder).toEqual(first);
    expect(await ordersOfCart(cartA.id)).toBe(1);
    expect(await stockOf(a)).toEqual({ on_hand: 3, reserved: 0 });
  });

  it('gives one order and one card authorisation when two keys complete the same cart at once', async () => {
    // Three carts, each raced by two checkouts with different keys: 1 x 30.00 EUR gross, below 50.00, so
    // standard shipping 4.90 is added: 34.90 each.
    const races = await Promise.all(
      [1, 2, 3].map(async () => {
        const v = await sellable({ eur: 3000, stock: 5 });
        const cart = await readyCart('b2c', anna, [{ variantId: v, quantity: 1 }]);
        return { v, cart, keys: [key('race-a'), key('race-b')] as const };
      }),
    );
    for (const r of races) expect(r.cart.totals!.total).toEqual({ amount: 3490, currency: 'EUR' });

    const outcomes = await Promise.all(
      races.map(async (r) =>
        Promise.all(r.keys.map(async (k) => data(await placeOrder(r.cart.id, k, 3490, { provider: 'card', token: 'tok_visa' })).placeOrder)),
      ),
    );

    for (const [i, r] of races.entries()) {
      const answers = outcomes[i]!;
      const winner = answers.findIndex((a) => a.__typename === 'OrderPlaced');
      expect(winner, JSON.stringify(answers)).toBeGreaterThanOrEqual(0);
      const loser = 1 - winner;
      const won = answers[winner]!;
      const lost = answers[loser]!;
      expect(won.order).toMatchObject({ status: 'PLACED', total: { amount: 3490, currency: 'EUR' }, payment: { provider: 'card', status: 'AUTHORIZED' } });
      // The loser found the cart locked by the winner's saga, or completed by it if it came after the end.
      expect(lost.__typename).toBe('CartLocked');
      expect(lost.cartId).toBe(r.cart.id);
      expect(['CHECKING_OUT', 'COMPLETED']).toContain(lost.status);

      const sagas = await checkoutsOf(r.cart.id);
      expect(sagas.size).toBe(2);
      const won_ = sagas.get(r.keys[winner]!)!;
      const lost_ = sagas.get(r.keys[loser]!)!;
      expect([won_.status, lost_.status]).toEqual(['COMPLETED', 'FAILED']);
      // Exactly one authorisation, for the quote's total, held for capture; the loser never reached the provider.
      expect(await intentsOf(won_.id)).toEqual([{ status: 'requires_capture', amount: 3490, currency: 'eur' }]);
      expect(await intentsOf(lost_.id)).toEqual([]);
      expect(await ordersOfCart(r.cart.id)).toBe(1);
      expect(await holdsOn(r.v)).toBe(1);
      expect(await stockOf(r.v)).toEqual({ on_hand: 4, reserved: 0 });
    }
  });
});
