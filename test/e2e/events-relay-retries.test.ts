import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redeliver } from '@storegraph/kit';
import { eventually } from '../support/webhook-receiver.ts';
import { ownOutbox, placed } from './events-relay-support.ts';

/** Retries with backoff, dead-lettering after the last attempt, and redelivery, on an outbox of this file's own. */
const box = ownOutbox();

describe('webhook retries', () => {
  it('a receiver that fails three times and then recovers gets the event, always with the same webhook-id', async () => {
    const chA = box.channel();
    const e = await box.endpoint('/flaky', ['order.placed'], [chA], (n) => (n <= 3 ? 503 : 204));
    const orderId = randomUUID();
    const eventId = await box.emit('order.placed', chA, orderId, 1, placed(orderId, chA));
    const stop = box.relay();
    try {
      await eventually(
        async () => (await box.sql`select status from webhooks.deliveries where endpoint_id = ${e.id}`)[0]?.status,
        (s) => s === 'DELIVERED',
        'delivered',
      );
    } finally {
      await stop();
    }
    expect(
      box
        .receiver()
        .at('/flaky')
        .map((r) => r.headers['webhook-id']),
    ).toEqual([eventId, eventId, eventId, eventId]);
    const log = await box.sql`select a.http_status from webhooks.attempts a join webhooks.deliveries d on d.id = a.delivery_id
      where d.endpoint_id = ${e.id} order by a.claim`;
    expect(log.map((a) => a.http_status)).toEqual([503, 503, 503, 204]);
  });

  it('dead-letters after the last attempt, and staff redelivery sends the same event again', async () => {
    const chA = box.channel();
    let up = false;
    const e = await box.endpoint('/down', ['order.cancelled'], [chA], () => (up ? 200 : 500));
    const orderId = randomUUID();
    const eventId = await box.emit('order.cancelled', chA, orderId, 2, { orderId, number: 'EVT-1', channel: chA, reason: 'test', from: 'PLACED' });
    const stop = box.relay({ maxAttempts: 3 });
    try {
      const [dead] = await eventually(
        () => box.sql`select id, status, attempts from webhooks.deliveries where endpoint_id = ${e.id}`,
        (rows) => rows[0]?.status === 'DEAD',
        'dead-lettered',
      );
      expect(dead!.attempts).toBe(3);
      expect(box.receiver().at('/down').length).toBe(3);
      up = true;
      expect(await redeliver(box.sql, Number(dead!.id))).toBe(true);
      await eventually(
        async () => (await box.sql`select status from webhooks.deliveries where id = ${dead!.id}`)[0]?.status,
        (s) => s === 'DELIVERED',
        'redelivered',
      );
    } finally {
      await stop();
    }
    expect(
      box
        .receiver()
        .at('/down')
        .map((r) => r.headers['webhook-id']),
    ).toEqual([eventId, eventId, eventId, eventId]);
  });
});
