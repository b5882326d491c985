import { describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { CONFIRM, HAMBURG, RELEASE, RESERVE, STAFF, freshVariant, gateway, ok, receive } from './stock-support.ts';

const anna = { customerId: 'cus_anna' };
const ben = { customerId: 'cus_ben' };

describe('a reservation belongs to whoever made it', () => {
  it('gives two shoppers who pick the same idempotency key two separate reservations', async () => {
    const v = await freshVariant('owner-key');
    await receive(v, HAMBURG, 5);
    const input = { idempotencyKey: 'cart-1', lines: [{ variantId: v, quantity: 1 }] };
    const a = ok(await gateway('web-eu', RESERVE, { input }, anna)).reserveStock;
    const b = ok(await gateway('web-eu', RESERVE, { input }, ben)).reserveStock;
    expect(a.__typename).toBe('Reservation');
    expect(b.__typename).toBe('Reservation');
    expect(b.id).not.toBe(a.id);
  });

  it('lets only its owner (or stock staff) release it, and only stock staff or the checkout confirm it', async () => {
    const v = await freshVariant('owner-finish');
    await receive(v, HAMBURG, 5);
    const mine = ok(await gateway('web-eu', RESERVE, { input: { idempotencyKey: `k-${v}`, lines: [{ variantId: v, quantity: 2 }] } }, anna)).reserveStock;
    const stolen = await gateway('web-eu', RELEASE, { id: mine.id }, ben);
    expect(stolen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const anonymous = await gateway('web-eu', RELEASE, { id: mine.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Confirming records a sale: a shopper who could do it would sell stock with no order and no payment.
    const byOwner = await gateway('web-eu', CONFIRM, { id: mine.id }, anna);
    expect(byOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(ok(await gateway('web-eu', CONFIRM, { id: mine.id }, STAFF)).confirmReservation.status).toBe('CONFIRMED');
    const other = ok(await gateway('web-eu', RESERVE, { input: { idempotencyKey: `k2-${v}`, lines: [{ variantId: v, quantity: 1 }] } }, ben)).reserveStock;
    expect(ok(await gateway('web-eu', RELEASE, { id: other.id }, STAFF)).releaseReservation.status).toBe('RELEASED');
  });

  it('refuses any write from an anonymous caller at the BFF', async () => {
    const res = await bff('b2c', 'ReserveStock', {
      input: { idempotencyKey: 'anon', lines: [{ variantId: 'var_0001_1', quantity: 1 }] },
    });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
