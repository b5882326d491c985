import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient } from '../support/clients.ts';
import { eventually, serveWebhookReceiver } from '../support/webhook-receiver.ts';
import { data, key, op, readyCart, testCustomer } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminSellable, adminWalk } from './admin-walk-support.ts';
import { deleteEndpoints } from './events-support.ts';

/**
 * The admin BFF's order and webhook operations, run by name by built-in staff: a shopper of this file's own
 * orders this file's own product on the web shop (B2C BFF), order staff of web-eu work the order through
 * its statuses and cancel another, and a webhook admin watches the cancellation reach a receiver and sends
 * it again. (Staff of another channel being refused these orders: admin-staff-scoping.test.ts.)
 */
const run = adminWalk('orders');
const staff = { eu: '', hooks: '' };
let receiver: Awaited<ReturnType<typeof serveWebhookReceiver>>;
const endpointIds: string[] = [];
let variantId = '';
let sku = '';
const orders: { id: string; number: string }[] = [];

beforeAll(async () => {
  receiver = await serveWebhookReceiver();
  const [eu, hooks, setup] = await Promise.all([
    createStaff('walk-orders-eu', ['order-admin', 'viewer'], ['web-eu']),
    createStaff('walk-orders-hooks', ['webhook-admin'], ['web-eu']),
    createStaff('walk-orders-setup', ['catalog-admin', 'pricing-admin', 'stock-admin'], ['*']),
  ]);
  staff.eu = (await staffSession(eu.email)).token;
  staff.hooks = (await staffSession(hooks.email)).token;
  // 23.80 EUR gross a unit, 10 in Hamburg.
  const product = await adminSellable((await staffSession(setup.email)).token, 'orders', { eur: 2380, stock: 10, channels: ['web-eu'] });
  variantId = product.variantId;
  sku = product.sku;
  const shopper = await testCustomer('walk-orders');
  for (let i = 0; i < 2; i++) {
    const cart = await readyCart('b2c', shopper, [{ variantId, quantity: 2 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('walk-orders'), expectedTotal: { amount: 5250, currency: 'EUR' }, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    orders.push({ id: placed.order.id, number: placed.order.number });
  }
});

afterAll(async () => {
  // No admin operation deletes an endpoint; this file's own go, so other files' events stop reaching them.
  const sql = sqlClient();
  await deleteEndpoints(sql, endpointIds);
  await sql.end();
  await receiver.close();
});

const EU = () => ({ token: staff.eu, channel: 'web-eu' });

// One walk, step after step: each step builds on what the one before it wrote (a product, a level, an
// order's status), so the steps keep their order under --sequence.shuffle; files still run in any order.
describe('the orders and webhooks walk', { shuffle: false }, () => {
  describe('order staff of web-eu', () => {
    it('reads an order whole, with the figures worked out by hand', async () => {
      const order = data(await run('Order', { id: orders[0]!.id }, EU())).order;
      // 2 x 23.80 = 47.60, standard shipping 4.90 (free only from 50.00 of goods): 52.50 gross. VAT in it:
      // goods 47.60 x 19 / 119 = 7.60, shipping 4.90 x 19 / 119 = 0.782... -> 0.78; 8.38 in all.
      const eur = (amount: number) => ({ amount, currency: 'EUR' });
      expect(order).toMatchObject({
        id: orders[0]!.id,
        number: orders[0]!.number,
        status: 'PLACED',
        channel: { code: 'web-eu' },
        email: 'shopper@example.com',
        shippingMethod: 'standard',
        taxIncluded: true,
        subtotal: eur(4760),
        discountTotal: eur(0),
        shippingTotal: eur(490),
        taxTotal: eur(838),
        total: eur(5250),
        payment: { provider: 'manual' },
        shippingAddress: { name: 'Anna Berg', line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
        cancelReason: null,
      });
      expect(order.lines).toEqual([
        { lineNo: 1, variant: { id: variantId }, sku, quantity: 2, unitPrice: eur(2380), discount: eur(0), tax: eur(760), lineTotal: eur(4760) },
      ]);
      expect(order.nextStatuses).toEqual(['PROCESSING', 'CANCELLED']);
    });

    it('moves an order on, refuses a step back as data, and finds it in the queue of its status', async () => {
      const moved = data(await run('SetOrderStatus', { id: orders[0]!.id, status: 'PROCESSING' }, EU())).setOrderStatus;
      expect(moved).toMatchObject({ __typename: 'OrderStatusChanged', order: { id: orders[0]!.id, status: 'PROCESSING' } });
      const back = data(await run('SetOrderStatus', { id: orders[0]!.id, status: 'PLACED' }, EU())).setOrderStatus;
      expect(back).toMatchObject({ __typename: 'IllegalOrderTransition', from: 'PROCESSING', to: 'PLACED' });
      expect(back.allowed).toEqual(['PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED']);

      // Other files' web-eu orders share the queue: page through it (oldest first) until this one shows.
      const found: any[] = [];
      let after: string | null = null;
      for (let page = 0; page < 40; page++) {
        const queue: any = data(await run('OrderQueue', { channel: 'web-eu', statuses: ['PROCESSING'], first: 50, after }, EU())).orderQueue;
        for (const node of queue.nodes) expect(node.status).toBe('PROCESSING');
        found.push(...queue.nodes.filter((n: { id: string }) => n.id === orders[0]!.id));
        if (!queue.pageInfo.hasNextPage) break;
        after = queue.pageInfo.endCursor;
      }
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ id: orders[0]!.id, number: orders[0]!.number, total: { amount: 5250, currency: 'EUR' }, status: 'PROCESSING' });
    });
  });

  describe('webhooks for cancellations on web-eu', () => {
    it('registers an endpoint, cancels an order, logs the delivery, and sends it again', async () => {
      const input = { url: `${receiver.url}/walk`, eventTypes: ['order.cancelled'], channels: ['web-eu'] };
      const registered = data(await run('RegisterWebhookEndpoint', { input }, { token: staff.hooks })).registerWebhookEndpoint;
      endpointIds.push(registered.endpoint.id);
      expect(registered.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      const endpoint = { id: registered.endpoint.id, ...input, enabled: true };
      expect(registered.endpoint).toEqual(endpoint);
      const listed = data(await run('WebhookEndpoints', {}, { token: staff.hooks })).webhookEndpoints;
      expect(listed.filter((e: { id: string }) => e.id === endpoint.id)).toEqual([endpoint]);

      const cancelled = data(await run('CancelOrder', { id: orders[1]!.id, reason: 'walk: customer asked' }, EU())).cancelOrder;
      expect(cancelled).toMatchObject({
        __typename: 'OrderStatusChanged',
        order: { id: orders[1]!.id, status: 'CANCELLED', cancelReason: 'walk: customer asked' },
      });

      const mine = () => receiver.at('/walk').filter((r) => r.envelope.aggregateId === orders[1]!.id);
      const first = await eventually(mine, (r) => r.length === 1, 'the cancellation webhook', 30_000);
      expect(first[0]!.envelope).toMatchObject({ type: 'order.cancelled', channels: ['web-eu'], aggregateId: orders[1]!.id });
      const log = async () =>
        data(await run('WebhookDeliveries', { endpointId: endpoint.id }, { token: staff.hooks })).webhookDeliveries.filter(
          (d: { aggregateId: string }) => d.aggregateId === orders[1]!.id,
        );
      const delivered = await eventually(log, (l: any[]) => l[0]?.status === 'DELIVERED', 'the delivery logged', 30_000);
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({
        eventId: first[0]!.envelope.id,
        eventType: 'order.cancelled',
        status: 'DELIVERED',
        attempts: 1,
        lastHttpStatus: 204,
      });

      const again = data(await run('RedeliverWebhook', { deliveryId: delivered[0].id }, { token: staff.hooks })).redeliverWebhook;
      expect(again).toMatchObject({ id: delivered[0].id, status: 'PENDING', attempts: 0 });
      const both = await eventually(mine, (r) => r.length === 2, 'the redelivery', 30_000);
      expect(both[1]!.headers['webhook-id']).toBe(first[0]!.envelope.id);
    }, 90_000);
  });
});
