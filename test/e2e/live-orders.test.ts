import { describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { bff, system } from '../support/clients.ts';
import { data, key, op, readyCart, sellable, testIdentity } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';

// Listed subscriptions by name, as production runs them (bffs/kit/src/live-operations.graphql).
const watch = (orderId: string) => ({ query: '', operationName: 'WatchOrder', variables: { orderId } });
const client = (token: string) =>
  createClient({
    url: system().b2c.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}`, 'x-storefront-channel': 'web-eu' },
    retryAttempts: 0,
  });

type Update = { orderUpdated: { orderId: string; number: string; status: string; nextStatuses: string[] } };

describe('live order status over graphql-ws', () => {
  const shopper = testIdentity('live-order');
  const stranger = testIdentity('live-order-other');

  it('shows the shopper their order’s status at once and each change staff make, and nobody else anything', async () => {
    const variant = await sellable({ eur: 1200, stock: 3 });
    const cart = await readyCart('b2c', shopper, [{ variantId: variant, quantity: 1 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('live'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const order = placed.order as { id: string; number: string };

    const ws = client(shopper.token);
    const updates = ws.iterate<Update>(watch(order.id));
    try {
      const first = await updates.next();
      expect(first.value!.data!.orderUpdated).toEqual({ orderId: order.id, number: order.number, status: 'PLACED', nextStatuses: ['PROCESSING', 'CANCELLED'] });

      const staff = await staffSession((await createStaff('live-orders', ['order-admin'], ['web-eu'])).email);
      const moved = data(await bff('admin', 'SetOrderStatus', { id: order.id, status: 'PROCESSING' }, { token: staff.token })).setOrderStatus;
      expect(moved.__typename).toBe('OrderStatusChanged');
      const second = await updates.next();
      expect(second.value!.data!.orderUpdated).toEqual({
        orderId: order.id,
        number: order.number,
        status: 'PROCESSING',
        nextStatuses: ['PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED'],
      });
    } finally {
      await updates.return?.();
      await ws.dispose();
    }

    // A reconnecting client starts from the state now (no replay needed to be right).
    const again = client(shopper.token);
    const resumed = again.iterate<Update>(watch(order.id));
    expect((await resumed.next()).value!.data!.orderUpdated.status).toBe('PROCESSING');
    await resumed.return?.();
    await again.dispose();

    // Another customer learns nothing about it: NOT_FOUND, as over HTTP.
    const other = client(stranger.token);
    const refused = other.iterate<Update>(watch(order.id));
    await expect(refused.next()).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    await other.dispose();
  });
});
