import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/webhook-receiver.ts';
import { data } from './checkout-support.ts';
import { ownOutbox, placed } from './events-relay-support.ts';
import { asWebhookAdmin } from './events-support.ts';

/**
 * An endpoint whose every attempt fails for the configured time (here 2 s instead of 5 days) is disabled
 * and flagged, is sent nothing more while off but keeps its events (recorded as pending deliveries), and
 * staff re-enable it through the orders subgraph's webhook API: then it gets every held event of the last
 * 72 h (the retention, WEBHOOK_RETRY_WINDOW_HOURS), and an older one is dead-lettered.
 */
const box = ownOutbox();
const ENDPOINTS = `query { webhookEndpoints { id enabled disabledAt disabledReason failingSince } }`;
const ENABLE = `mutation($id: ID!) { enableWebhookEndpoint(endpointId: $id) { id enabled disabledAt disabledReason failingSince } }`;

async function endpointState(id: string) {
  return (data(await asWebhookAdmin(ENDPOINTS, {}, ['*'])).webhookEndpoints as any[]).find((e) => e.id === id);
}

describe('an endpoint that keeps failing', () => {
  it('is disabled after every attempt failed for the window, is sent nothing while off but keeps its events, and gets them once staff re-enable it', async () => {
    const ch = box.channel();
    const down = await box.endpoint('/down', ['order.placed'], [ch], () => 503);
    await box.endpoint('/up', ['order.placed'], [ch]);
    const order = (n: number) => `${box.tag}-order-${n}`;
    const e1 = await box.emit('order.placed', ch, order(1), 1, placed(order(1), ch));
    // Attempts every 10-200 ms and no dead-lettering before the window: the endpoint fails for 2 s.
    const stop = box.relay({ disableAfterMs: 2_000, maxAttempts: 100 });
    try {
      const disabled = await eventually(
        () => endpointState(down.id),
        (e) => e.enabled === false,
        'the endpoint disabled',
      );
      expect(disabled.disabledReason).toBe(`every delivery attempt failed since ${disabled.failingSince} (2 s allowed)`);
      // Disabled by the first failure at least 2 s after the first one.
      expect(Date.parse(disabled.disabledAt) - Date.parse(disabled.failingSince)).toBeGreaterThanOrEqual(2_000);
      const attemptsThen = box.receiver().at('/down').length;
      expect(attemptsThen).toBeGreaterThan(1);

      // Two more events, each seen through by the healthy endpoint: the disabled one is sent neither (and its
      // held delivery of e1 is not tried again), but both are recorded for it, pending.
      const e2 = await box.emit('order.placed', ch, order(2), 1, placed(order(2), ch));
      await eventually(
        () =>
          box
            .receiver()
            .at('/up')
            .map((r) => r.envelope.id),
        (ids) => ids.includes(e2),
        'e2 at the healthy endpoint',
      );
      const e3 = await box.emit('order.placed', ch, order(3), 1, placed(order(3), ch));
      // An event that happened 4 days ago (a subgraph's outbox row committed late, written here by hand):
      // past the 72 h retention by the time the endpoint comes back.
      const old = randomUUID();
      await box.sql`insert into ${box.sql(box.source)}.outbox (event_id, type, channel, aggregate_id, aggregate_version, data, occurred_at)
        values (${old}, 'order.placed', ${ch}, ${order(5)}, 1, ${JSON.stringify(placed(order(5), ch))}::text::jsonb, now() - interval '4 days')`;
      await eventually(
        () =>
          box
            .receiver()
            .at('/up')
            .map((r) => r.envelope.id),
        (ids) => ids.includes(e3) && ids.includes(old),
        'e3 and the old event at the healthy endpoint',
      );
      expect(box.receiver().at('/down').length).toBe(attemptsThen);
      expect(await box.sql`select event_id, status, attempts from webhooks.deliveries where endpoint_id = ${down.id} order by seq`).toEqual([
        { event_id: e1, status: 'PENDING', attempts: attemptsThen },
        { event_id: e2, status: 'PENDING', attempts: 0 },
        { event_id: e3, status: 'PENDING', attempts: 0 },
        { event_id: old, status: 'PENDING', attempts: 0 },
      ]);

      // Staff of another channel may not turn it back on.
      const foreign = await asWebhookAdmin(ENABLE, { id: down.id }, ['web-us']);
      expect(foreign.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      box.answer('/down', () => 204);
      expect(data(await asWebhookAdmin(ENABLE, { id: down.id }, ['*'])).enableWebhookEndpoint).toEqual({
        id: down.id,
        enabled: true,
        disabledAt: null,
        disabledReason: null,
        failingSince: null,
      });
      // Everything held within the retention goes out; the 4-day-old event is dead-lettered, never sent.
      await eventually(
        async () => await box.sql`select event_id, status from webhooks.deliveries where endpoint_id = ${down.id} order by seq`,
        (rows) => rows.filter((r) => r.status === 'DELIVERED').length === 3,
        'the held deliveries sent',
      );
      expect(await box.sql`select event_id, status from webhooks.deliveries where endpoint_id = ${down.id} order by seq`).toEqual([
        { event_id: e1, status: 'DELIVERED' },
        { event_id: e2, status: 'DELIVERED' },
        { event_id: e3, status: 'DELIVERED' },
        { event_id: old, status: 'DEAD' },
      ]);
      const e4 = await box.emit('order.placed', ch, order(4), 1, placed(order(4), ch));
      await eventually(
        () =>
          box
            .receiver()
            .at('/down')
            .map((r) => r.envelope.id),
        (ids) => ids.includes(e4),
        'e4 at the re-enabled endpoint',
      );
      // Every attempt at it: e1 until it was disabled; after, e1, e2 and e3 once each (three aggregates: any
      // order among them), then e4; never the old event.
      const attempts = box
        .receiver()
        .at('/down')
        .map((r) => r.headers['webhook-id']);
      expect(attempts.slice(0, attemptsThen)).toEqual(Array(attemptsThen).fill(e1));
      expect(attempts.slice(attemptsThen, attemptsThen + 3).sort()).toEqual([e1, e2, e3].sort());
      expect(attempts.slice(attemptsThen + 3)).toEqual([e4]);
      expect((await endpointState(down.id)).failingSince).toBeNull();
    } finally {
      await stop();
    }
  }, 60_000);
});
