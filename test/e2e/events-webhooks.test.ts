import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { postGraphQL, signedContext, sqlClient, system } from '../support/clients.ts';
import { eventually, serveWebhookReceiver } from '../support/webhook-receiver.ts';
import { data, key, op, readyCart, sellable, testIdentity } from './checkout-support.ts';
import { deleteEndpoints } from './events-support.ts';

/**
 * Webhooks end to end on the running system: staff register endpoints (no admin BFF yet, so a signed staff
 * context at the gateway, as test/README.md's table says), a shopper orders through the B2C BFF, and the
 * orders subgraph's relay delivers `order.placed` to a third party's receiver (msw on a real port).
 */
const shopper = testIdentity('webhooks');
const staff = (channels: string[]) => ({ staff: { id: 'stf_webhooks', roles: ['webhook-admin' as const], channels } });

async function asStaff(query: string, variables: Record<string, unknown>, channels = ['web-eu', 'web-us']) {
  return postGraphQL(system().gateway, { query, variables }, { [CONTEXT_HEADER]: await signedContext('web-eu', staff(channels)) });
}

const REGISTER = `mutation($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes channels enabled } } }`;
const DELIVERIES = `query($endpointId: ID!) { webhookDeliveries(endpointId: $endpointId) {
  id eventId eventType aggregateId status attempts lastHttpStatus } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status attempts } }`;

let receiver: Awaited<ReturnType<typeof serveWebhookReceiver>>;
const sql = sqlClient();
const endpointIds: string[] = [];
// The web-eu endpoint refuses the first request of each event (503), then accepts. Per event, not per
// endpoint: other files' web-eu orders reach it too while this file runs.
const seen = new Set<string>();
const answer = (path: string, _n: number, envelope: { id: string }) => {
  if (path !== '/eu' || seen.has(envelope.id)) return 204;
  seen.add(envelope.id);
  return 503;
};

beforeAll(async () => {
  receiver = await serveWebhookReceiver(answer);
});

afterAll(async () => {
  await deleteEndpoints(sql, endpointIds);
  await receiver.close();
  await sql.end();
});

describe('webhooks for a channel', () => {
  it('refuses staff without webhook-admin on the channel, and an event type the catalogue does not have', async () => {
    const input = { url: `${receiver.url}/nope`, eventTypes: ['order.placed'], channels: ['web-eu'] };
    const forbidden = await asStaff(REGISTER, { input }, ['web-us']);
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const unknown = await asStaff(REGISTER, { input: { ...input, eventTypes: ['order.teleported'] } });
    expect(unknown.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'input.eventTypes']]);
    expect(await sql`select count(*)::int as n from webhooks.endpoints where url = ${input.url}`).toEqual([{ n: 0 }]);
  });

  it('delivers order.placed to the web-eu endpoint after a failed first attempt, signed, and never to the web-us one', async () => {
    const eu = data(
      await asStaff(REGISTER, { input: { url: `${receiver.url}/eu`, eventTypes: ['order.placed'], channels: ['web-eu'] } }),
    ).registerWebhookEndpoint;
    const us = data(
      await asStaff(REGISTER, { input: { url: `${receiver.url}/us`, eventTypes: ['order.placed'], channels: ['web-us'] } }),
    ).registerWebhookEndpoint;
    endpointIds.push(eu.endpoint.id, us.endpoint.id);
    expect(eu.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(eu.endpoint).toEqual({ id: expect.any(String), url: `${receiver.url}/eu`, eventTypes: ['order.placed'], channels: ['web-eu'], enabled: true });

    // 30.00 EUR gross, 1 unit: the order's total is 30.00 plus shipping below the free threshold; the
    // event carries whatever the quote was, so the test reads the total from the order it placed.
    const v = await sellable({ eur: 3000, stock: 3 });
    const cart = await readyCart('b2c', shopper, [{ variantId: v, quantity: 1 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('webhook'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const order = placed.order;

    const mine = () => receiver.at('/eu').filter((r) => r.envelope.aggregateId === order.id);
    // The retry waits WEBHOOK_RETRY_BASE_MS (10 s) times jitter: a generous bound, no timing asserted.
    const got = await eventually(mine, (r) => r.length === 2, 'the retried delivery', 45_000);
    expect(got.map((r) => r.headers['webhook-id'])).toEqual([got[0]!.envelope.id, got[0]!.envelope.id]);
    const envelope = new Webhook(eu.secret).verify(got[1]!.body, got[1]!.headers) as any;
    expect(envelope).toMatchObject({
      type: 'order.placed',
      source: 'orders',
      channels: ['web-eu'],
      aggregateId: order.id,
      aggregateVersion: 1,
      data: { orderId: order.id, number: order.number, channel: 'web-eu', total: order.total, lines: [{ variantId: v, quantity: 1 }] },
    });

    // The dispatcher records the answer after the receiver has it: read the log once it has settled.
    const readLog = async () =>
      data(await asStaff(DELIVERIES, { endpointId: eu.endpoint.id })).webhookDeliveries.filter((d: any) => d.aggregateId === order.id);
    const log = await eventually(readLog, (l: any[]) => l.length === 1 && l[0].status !== 'PENDING', 'the delivery log settled', 10_000);
    expect(log).toEqual([
      { id: expect.any(String), eventId: envelope.id, eventType: 'order.placed', aggregateId: order.id, status: 'DELIVERED', attempts: 2, lastHttpStatus: 204 },
    ]);
    // The web-us endpoint was never even given this event.
    expect(await sql`select count(*)::int as n from webhooks.deliveries where endpoint_id = ${us.endpoint.id} and event_id = ${envelope.id}`).toEqual([
      { n: 0 },
    ]);
    expect(receiver.at('/us').filter((r) => r.envelope.channels.includes('web-eu'))).toEqual([]);

    // Staff send it again: the same webhook-id, a fresh attempt count.
    const again = data(await asStaff(REDELIVER, { id: log[0].id })).redeliverWebhook;
    expect(again).toEqual({ id: log[0].id, status: 'PENDING', attempts: 0 });
    const all = await eventually(mine, (r) => r.length === 3, 'the redelivery', 30_000);
    expect(all[2]!.headers['webhook-id']).toBe(envelope.id);
    // Staff of web-us alone may not read or replay the web-eu endpoint's log.
    const foreign = await asStaff(DELIVERIES, { endpointId: eu.endpoint.id }, ['web-us']);
    expect(foreign.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  }, 120_000);
});
