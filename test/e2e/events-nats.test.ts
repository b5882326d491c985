import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventBusOptions } from '@storegraph/kit';
import { system } from '../support/clients.ts';
import { busMessages, deleteStream, streamInfo } from '../support/nats-bus.ts';
import { eventually } from '../support/webhook-receiver.ts';
import { data, key, op, readyCart, sellable, testIdentity } from './checkout-support.ts';
import { ownOutbox, placed } from './events-relay-support.ts';
import { HAMBURG } from './stock-support.ts';

/**
 * The event bus on the machine's NATS (JetStream): the running system publishes to a stream of the run's own
 * (`system().nats`); the relays of this file's own outbox publish to a stream of the file's own, so what they
 * count is theirs.
 */
const shopper = testIdentity('nats');
const box = ownOutbox();
const nats = () => system().nats;
const own: EventBusOptions = {
  url: '',
  stream: `SGTEST_EVT_${box.tag.toUpperCase()}`,
  subjectPrefix: `sgtest_evt_${box.tag}`,
  duplicateWindowMs: 120_000,
  maxAgeMs: 3_600_000,
  storage: 'memory',
};
const ownBus = () => ({ ...own, url: nats().url });

afterAll(async () => {
  await deleteStream(nats().url, own.stream);
});

/** A port nothing listens on: NATS "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

const queued = async () => (await box.sql`select count(*)::int as n from webhooks.bus_events where source = ${box.source}`)[0]!.n;

describe('the event bus (NATS JetStream)', () => {
  it('publishes an order placed through the B2C BFF, and its stock changes, once each on the type and channel subject', async () => {
    const v = await sellable({ eur: 2500, stock: 4 });
    const cart = await readyCart('b2c', shopper, [{ variantId: v, quantity: 2 }]);
    const result = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('nats'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(result.__typename).toBe('OrderPlaced');
    const order = result.order;
    const { url, stream, subjectPrefix } = nats();

    const mine = async () => (await busMessages(url, stream, `${subjectPrefix}.order.placed.web-eu`)).filter((m) => m.envelope.aggregateId === order.id);
    const got = await eventually(mine, (m) => m.length >= 1, 'order.placed on the bus', 30_000);
    expect(got).toEqual([
      {
        subject: `${subjectPrefix}.order.placed.web-eu`,
        seq: expect.any(Number),
        msgId: `${got[0]!.envelope.id}:web-eu`,
        envelope: {
          id: expect.any(String),
          type: 'order.placed',
          timestamp: expect.any(String),
          source: 'orders',
          channels: ['web-eu'],
          aggregateId: order.id,
          aggregateVersion: 1,
          data: expect.objectContaining({ orderId: order.id, number: order.number, channel: 'web-eu', total: order.total }),
        },
      },
    ]);
    expect(got[0]!.envelope.data.lines).toEqual([expect.objectContaining({ variantId: v, quantity: 2 })]);

    // Every stock.changed the stock outbox holds for this variant reaches the bus once, in the outbox's order,
    // on the subject of its channel (`_`: a movement of no channel, such as the staff receipt).
    const outbox = await box.sql<{ event_id: string; channel: string | null; kind: string; delta: number }[]>`
      select event_id::text, channel, data->>'kind' as kind, (data->>'deltaOnHand')::int as delta
      from stock.outbox where type = 'stock.changed' and data->>'variantId' = ${v} order by id`;
    // The receipt of 4 units at Hamburg comes first; the order's reservation and sale follow.
    expect(outbox.length).toBeGreaterThanOrEqual(2);
    expect(outbox[0]).toMatchObject({ delta: 4 });
    const stockMessages = async () => (await busMessages(url, stream, `${subjectPrefix}.stock.changed.>`)).filter((m) => m.envelope.data.variantId === v);
    const stockGot = await eventually(stockMessages, (m) => m.length >= outbox.length, 'stock.changed on the bus', 30_000);
    expect(stockGot.map((m) => [m.envelope.id, m.subject])).toEqual(outbox.map((r) => [r.event_id, `${subjectPrefix}.stock.changed.${r.channel ?? '_'}`]));
    expect(stockGot[0]!.envelope.data).toMatchObject({ variantId: v, locationId: HAMBURG, deltaOnHand: 4 });
  }, 90_000);

  it('creates its stream, publishes an event of several channels once per channel, and drops a republished event id', async () => {
    const stop = box.relay({ bus: ownBus() });
    try {
      const ch = box.channel();
      const order = randomUUID();
      const eventId = await box.emit('order.placed', ch, order, 1, placed(order, ch));
      const all = () => busMessages(ownBus().url, own.stream, `${own.subjectPrefix}.>`);
      // The relay creates the stream as it starts; reading before that is "stream not found" (seen once in CI).
      await eventually(
        () => streamInfo(ownBus().url, own.stream),
        (i) => i !== undefined,
        'the relay creating its stream',
        30_000,
      );
      await eventually(all, (m) => m.length >= 1, 'the first message', 30_000);
      // Two channels and none, as products' and prices' outboxes write them: queued for the bus as the fan-out does.
      const multi = {
        id: randomUUID(),
        type: 'product.updated',
        timestamp: new Date().toISOString(),
        source: box.source,
        aggregateId: 'p1',
        aggregateVersion: 1,
        data: {},
      };
      await box.sql`insert into webhooks.bus_events (source, seq, envelope) values
        (${box.source}, 1000001, ${JSON.stringify({ ...multi, channels: [`${ch}-x`, `${ch}-y`] })}::text::jsonb),
        (${box.source}, 1000002, ${JSON.stringify({ ...multi, id: randomUUID(), channels: [] })}::text::jsonb)`;
      const first = await eventually(all, (m) => m.length >= 4, 'four messages', 30_000);
      expect(first.map((m) => [m.subject, m.msgId])).toEqual([
        [`${own.subjectPrefix}.order.placed.${ch}`, `${eventId}:${ch}`],
        [`${own.subjectPrefix}.product.updated.${ch}-x`, `${multi.id}:${ch}-x`],
        [`${own.subjectPrefix}.product.updated.${ch}-y`, `${multi.id}:${ch}-y`],
        [`${own.subjectPrefix}.product.updated._`, expect.stringMatching(/:_$/)],
      ]);
      expect(await streamInfo(ownBus().url, own.stream)).toEqual({
        subjects: [`${own.subjectPrefix}.>`],
        messages: 4,
        duplicateWindowNs: 120_000 * 1_000_000,
      });
      expect(await queued()).toBe(0);

      // A relay that died after JetStream's ack but before deleting the row publishes it again: same id, dropped.
      await box.sql`insert into webhooks.bus_events (source, seq, envelope) values (${box.source}, 1000003, ${JSON.stringify(first[0]!.envelope)}::text::jsonb)`;
      await eventually(queued, (n) => n === 0, 'the republished row sent', 30_000);
      expect((await streamInfo(ownBus().url, own.stream))?.messages).toBe(4);
      expect((await all()).map((m) => m.envelope.id)).toEqual(first.map((m) => m.envelope.id));
    } finally {
      await stop();
    }
  }, 90_000);

  it('keeps delivering webhooks while NATS is unreachable, and publishes the waiting events in order once it is back', async () => {
    const ch = box.channel();
    await box.endpoint('/while-down', ['order.placed', 'order.cancelled'], [ch]);
    const down = box.relay({ bus: { ...ownBus(), url: `nats://127.0.0.1:${await closedPort()}` } });
    const order = randomUUID();
    const ids: string[] = [];
    try {
      ids.push(await box.emit('order.placed', ch, order, 1, placed(order, ch)));
      ids.push(await box.emit('order.cancelled', ch, order, 2, { orderId: order, number: 'EVT-1', channel: ch, reason: 'test', from: 'PLACED' }));
      ids.push(await box.emit('order.placed', ch, `${order}-2`, 1, placed(`${order}-2`, ch)));
      const hooks = await eventually(
        () => box.receiver().at('/while-down'),
        (r) => r.length >= 3,
        'webhooks while NATS is down',
        30_000,
      );
      // Two aggregates: webhooks keep each one's order, not one across them.
      expect(hooks.map((r) => r.envelope.id).sort()).toEqual([...ids].sort());
      // Held for the bus, none lost: all three wait in the queue, nothing on the stream for this channel.
      expect(await queued()).toBe(3);
    } finally {
      await down();
    }
    // Event types have two tokens (`order.placed`): `<prefix>.*.*.<channel>` is every type of one channel.
    const subject = `${own.subjectPrefix}.*.*.${ch}`;
    // The previous test made the stream; none of this channel's events is on it yet.
    expect(await busMessages(ownBus().url, own.stream, subject)).toEqual([]);

    const up = box.relay({ bus: ownBus() });
    try {
      const got = await eventually(
        () => busMessages(ownBus().url, own.stream, subject),
        (m) => m.length >= 3,
        'the waiting events',
        30_000,
      );
      expect(got.map((m) => [m.envelope.id, m.envelope.aggregateId, m.envelope.aggregateVersion, m.subject])).toEqual([
        [ids[0], order, 1, `${own.subjectPrefix}.order.placed.${ch}`],
        [ids[1], order, 2, `${own.subjectPrefix}.order.cancelled.${ch}`],
        [ids[2], `${order}-2`, 1, `${own.subjectPrefix}.order.placed.${ch}`],
      ]);
      await eventually(queued, (n) => n === 0, 'the queue drained', 10_000);
    } finally {
      await up();
    }
  }, 90_000);
});
