import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { system } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { testIdentity } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, freshVariant, gateway, ok, RESERVE, receive, MUNICH } from './stock-support.ts';

/**
 * Live stock at a till's shop over the POS BFF's socket, by name as production runs it
 * (bffs/kit/src/live-operations.graphql: WatchShopStock), fed by the stock outbox (`stock.changed`). The till,
 * its cashier and the variant are this file's own; the Berlin shop is the till's shop, Munich another.
 */
let token = '';
let variant = '';
const shopper = testIdentity('live-shop-shopper');

beforeAll(async () => {
  const admin = await createStaff('live-shop-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  const cashier = await registerTillStaff(staffToken, 'CASHIER', '2468');
  const till = await registerTill(staffToken, BERLIN);
  token = await tillToken(till, cashier.staffCode, cashier.pin);
  variant = await freshVariant('live-shop');
});

type Change = {
  cursor: string;
  movementId: string;
  kind: string;
  variantId: string;
  locationId: string;
  deltaOnHand: number;
  deltaReserved: number;
  channel: string | null;
};
type Event = { shopStockChanged: Change };

const watch = (after?: string) => ({ query: '', operationName: 'WatchShopStock', variables: after ? { after } : {} });
const client = (url: string, bearer: string): Client =>
  createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bearer}` }, retryAttempts: 0 });

/** The next change of this file's variant (other files' changes at the Berlin shop pass by), or a failure after 30 s. */
async function next(it: AsyncIterator<{ data?: Event | null }>): Promise<Change> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const left = deadline - Date.now();
    const got = await Promise.race([it.next(), new Promise<never>((_, no) => setTimeout(() => no(new Error('no stock change within 30 s')), left))]);
    const change = got.value!.data!.shopStockChanged;
    if (change.variantId === variant) return change;
  }
}

/** A web-eu customer's click & collect reservation at the Berlin shop: the units are held there. */
async function webReservationAtShop(quantity: number) {
  const res = ok(
    await gateway('web-eu', RESERVE, {
      input: { idempotencyKey: `live-shop-${Date.now()}-${Math.random()}`, lines: [{ variantId: variant, quantity }], pickupLocationId: BERLIN },
    }),
  ).reserveStock;
  expect(res.__typename, JSON.stringify(res)).toBe('Reservation');
  expect(res.lines[0].allocations).toEqual([{ location: { id: BERLIN }, quantity, fromFence: 0 }]);
}

describe('live stock at the till’s shop over graphql-ws', () => {
  it('sends a staff receipt and another channel’s reservation at this shop, never another shop’s, and resumes after the cursor', async () => {
    const ws = client(system().pos, token);
    const events = ws.iterate<Event>(watch());
    const it = events[Symbol.asyncIterator]();
    // The subscription starts now: give it a moment to read its cursor before the first write.
    await new Promise((r) => setTimeout(r, 500));
    await receive(variant, BERLIN, 5);
    // Munich's receipt commits between the two Berlin changes: were it sent, it would come before the reservation.
    await receive(variant, MUNICH, 3);
    await webReservationAtShop(2);
    const first = await next(it);
    const second = await next(it);
    expect([first, second]).toEqual([
      expect.objectContaining({ kind: 'RECEIPT', variantId: variant, locationId: BERLIN, deltaOnHand: 5, deltaReserved: 0 }),
      expect.objectContaining({ kind: 'RESERVATION', variantId: variant, locationId: BERLIN, deltaOnHand: 0, deltaReserved: 2, channel: 'web-eu' }),
    ]);
    await it.return?.();
    await ws.dispose();

    // Offline: a receipt at the shop and one at Munich. Back with the cursor of the last change: only the shop's.
    await receive(variant, BERLIN, 1);
    await receive(variant, MUNICH, 4);
    const again = client(system().pos, token);
    const resumed = again.iterate<Event>(watch(second.cursor))[Symbol.asyncIterator]();
    try {
      const caughtUp = await next(resumed);
      expect(caughtUp).toEqual(expect.objectContaining({ kind: 'RECEIPT', variantId: variant, locationId: BERLIN, deltaOnHand: 1, deltaReserved: 0 }));
      expect(caughtUp.movementId).not.toBe(first.movementId);
      // And live again after the catch-up.
      await receive(variant, BERLIN, 7);
      expect(await next(resumed)).toEqual(expect.objectContaining({ kind: 'RECEIPT', locationId: BERLIN, deltaOnHand: 7 }));
    } finally {
      await resumed.return?.();
      await again.dispose();
    }
  }, 90_000);

  it('refuses anyone but a till (FORBIDDEN)', async () => {
    const ws = client(system().b2c, shopper.token);
    try {
      await expect(ws.iterate<Event>(watch())[Symbol.asyncIterator]().next()).rejects.toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
      ]);
    } finally {
      await ws.dispose();
    }
  });
});
