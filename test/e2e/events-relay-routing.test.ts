import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/webhook-receiver.ts';
import { ownOutbox, placed } from './events-relay-support.ts';

/** What reaches which endpoint: committed events only, by channel and type, and no endpoint waits on another. */
const box = ownOutbox();

describe('webhook routing', () => {
  it('never sends a rolled-back event, and sends a channel only its own events of the types asked for', async () => {
    const chA = box.channel();
    const chB = box.channel();
    await box.endpoint('/only-a', ['order.placed'], [chA]);
    await box.endpoint('/only-b', ['order.placed', 'order.cancelled'], [chB]);
    const a = randomUUID();
    const b = randomUUID();
    const rolledBack = randomUUID();
    await box.sql
      .begin(async (tx) => {
        await box.emit('order.placed', chA, rolledBack, 1, placed(rolledBack, chA), tx as unknown as postgres.Sql);
        throw new Error('roll back');
      })
      .catch(() => {});
    const aPlaced = await box.emit('order.placed', chA, a, 1, placed(a, chA));
    await box.emit('order.cancelled', chA, a, 2, { orderId: a, number: 'EVT-1', channel: chA, reason: 'test', from: 'PLACED' });
    const bPlaced = await box.emit('order.placed', chB, b, 1, placed(b, chB));
    const bCancelled = await box.emit('order.cancelled', chB, b, 2, { orderId: b, number: 'EVT-2', channel: chB, reason: 'test', from: 'PLACED' });
    const stop = box.relay();
    try {
      await eventually(
        () => box.receiver().at('/only-b').length + box.receiver().at('/only-a').length,
        (n) => n >= 3,
        'three deliveries',
      );
      // Everything of this source is published and handed out before we look at what did not arrive.
      await eventually(
        async () =>
          (
            await box.sql`select count(*)::int as n from webhooks.deliveries d join webhooks.endpoints p on p.id = d.endpoint_id
            where d.source = ${box.source} and d.status <> 'DELIVERED' and p.url like ${`${box.receiver().url}/only-%`}`
          )[0]!.n,
        (n) => n === 0,
        'all delivered',
      );
      expect(await box.sql`select count(*)::int as n from ${box.sql(box.source)}.outbox where published_at is null`).toEqual([{ n: 0 }]);
    } finally {
      await stop();
    }
    expect(
      box
        .receiver()
        .at('/only-a')
        .map((r) => r.envelope.id),
    ).toEqual([aPlaced]);
    expect(
      box
        .receiver()
        .at('/only-b')
        .map((r) => r.envelope.id),
    ).toEqual([bPlaced, bCancelled]);
    expect(box.receiver().received.some((r) => r.envelope.aggregateId === rolledBack)).toBe(false);
  });

  it('one endpoint that hangs does not hold up another', async () => {
    const chB = box.channel();
    let release!: () => void;
    const released = new Promise<number>((r) => {
      release = () => r(503);
    });
    await box.endpoint('/hangs', ['order.status_changed'], [chB], () => released);
    await box.endpoint('/fast', ['order.status_changed'], [chB]);
    const orders = [randomUUID(), randomUUID(), randomUUID()];
    for (const o of orders) await box.emit('order.status_changed', chB, o, 2, { orderId: o, number: 'EVT-3', from: 'PLACED', to: 'PROCESSING' });
    // The hanging one is given far longer than the test needs; it is released at the end.
    const stop = box.relay({ timeoutMs: 60_000 });
    try {
      await eventually(
        () => box.receiver().at('/fast').length,
        (n) => n === 3,
        'the fast endpoint served',
      );
      // Every event reached the hanging endpoint too, and none of those requests has been answered.
      expect(box.receiver().at('/hangs').length).toBe(3);
      expect(
        await box.sql`select count(*)::int as n from webhooks.attempts a join webhooks.deliveries d on d.id = a.delivery_id
        join webhooks.endpoints p on p.id = d.endpoint_id where p.url = ${`${box.receiver().url}/hangs`}`,
      ).toEqual([{ n: 0 }]);
    } finally {
      release();
      await stop();
    }
  });
});
