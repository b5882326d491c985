import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/webhook-receiver.ts';
import { data } from './checkout-support.ts';
import { ownOutbox, placed } from './events-relay-support.ts';
import { asWebhookAdmin } from './events-support.ts';

/**
 * Staff rotate an endpoint's secret and replay a time range through the orders subgraph's webhook API
 * (signed staff context at the gateway); the deliveries come from a relay of this file's own outbox.
 */
const box = ownOutbox();
const ROTATE = `mutation($id: ID!, $overlap: Int) { rotateWebhookSecret(endpointId: $id, overlapSeconds: $overlap) {
  secret endpoint { id previousSecretExpiresAt } } }`;
const ROTATE_DEFAULT = `mutation($id: ID!) { rotateWebhookSecret(endpointId: $id) { secret endpoint { id previousSecretExpiresAt } } }`;
const REPLAY = `mutation($id: ID!, $from: String!, $to: String!) { replayWebhookDeliveries(endpointId: $id, from: $from, to: $to) }`;

const verifies = (secret: string, got: { body: string; headers: Record<string, string> }) => {
  try {
    new Webhook(secret).verify(got.body, got.headers);
    return true;
  } catch (err) {
    if (err instanceof WebhookVerificationError) return false;
    throw err;
  }
};

describe('secret rotation', () => {
  it('signs with the old and the new secret during the overlap, and with the new one alone once it ends', async () => {
    const ch = box.channel();
    const { id, secret: first } = await box.endpoint('/rotated', ['order.placed'], [ch]);
    const stop = box.relay();
    try {
      const before = Date.now();
      const rotated = data(await asWebhookAdmin(ROTATE_DEFAULT, { id }, ['*'])).rotateWebhookSecret;
      expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(rotated.secret).not.toBe(first);
      // The default overlap is 24 h: 86,400,000 ms after the rotation (which happened after `before`).
      const overlapMs = Date.parse(rotated.endpoint.previousSecretExpiresAt) - before;
      expect(overlapMs).toBeGreaterThanOrEqual(86_400_000);
      expect(overlapMs).toBeLessThan(86_400_000 + 60_000);

      const during = await box.emit('order.placed', ch, `${box.tag}-r1`, 1, placed(`${box.tag}-r1`, ch));
      const [got] = await eventually(
        () => box.receiver().at('/rotated'),
        (r) => r.length === 1,
        'the delivery during the overlap',
      );
      expect(got!.headers['webhook-id']).toBe(during);
      expect(got!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      // A receiver holding only the old secret and one holding only the new one both verify.
      expect([verifies(first, got!), verifies(rotated.secret, got!)]).toEqual([true, true]);

      // A leaked secret: rotated with no overlap, the replaced one stops signing at once.
      const urgent = data(await asWebhookAdmin(ROTATE, { id, overlap: 0 }, ['*'])).rotateWebhookSecret;
      expect(urgent.endpoint.previousSecretExpiresAt).toBeNull();
      await box.emit('order.placed', ch, `${box.tag}-r2`, 1, placed(`${box.tag}-r2`, ch));
      const after = (
        await eventually(
          () => box.receiver().at('/rotated'),
          (r) => r.length === 2,
          'the delivery after',
        )
      )[1]!;
      expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
      expect([verifies(first, after), verifies(rotated.secret, after), verifies(urgent.secret, after)]).toEqual([false, false, true]);
    } finally {
      await stop();
    }
  });

  it('refuses staff of another channel and an overlap past a week, changing nothing', async () => {
    const ch = box.channel();
    const { id, secret } = await box.endpoint('/kept', ['order.placed'], [ch]);
    const foreign = await asWebhookAdmin(ROTATE, { id, overlap: 60 }, ['web-us']);
    expect(foreign.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const long = await asWebhookAdmin(ROTATE, { id, overlap: 7 * 86_400 + 1 }, ['*']);
    expect(long.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'overlapSeconds']]);
    expect(await box.sql`select secrets from webhooks.endpoints where id = ${id}`).toEqual([{ secrets: [secret] }]);
  });
});

describe('time-range replay', () => {
  it('re-sends exactly the events of the range, each with its own webhook-id', async () => {
    const ch = box.channel();
    const { id } = await box.endpoint('/replayed', ['order.placed'], [ch]);
    const stop = box.relay();
    try {
      // Four events, each written after the previous one was delivered, so their times differ.
      const events: { id: string; timestamp: string }[] = [];
      for (let n = 1; n <= 4; n++) {
        const eventId = await box.emit('order.placed', ch, `${box.tag}-p${n}`, 1, placed(`${box.tag}-p${n}`, ch));
        const got = await eventually(
          () => box.receiver().at('/replayed'),
          (r) => r.length === n,
          `event ${n}`,
        );
        expect(got[n - 1]!.envelope.id).toBe(eventId);
        events.push({ id: eventId, timestamp: JSON.parse(got[n - 1]!.body).timestamp });
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(new Set(events.map((e) => e.timestamp)).size).toBe(4);
      // [time of the 2nd, time of the 4th): the 2nd and the 3rd.
      const bad = await asWebhookAdmin(REPLAY, { id, from: events[3]!.timestamp, to: events[1]!.timestamp }, ['*']);
      expect(bad.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'to']]);
      const foreign = await asWebhookAdmin(REPLAY, { id, from: events[1]!.timestamp, to: events[3]!.timestamp }, ['web-us']);
      expect(foreign.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(data(await asWebhookAdmin(REPLAY, { id, from: events[1]!.timestamp, to: events[3]!.timestamp }, ['*'])).replayWebhookDeliveries).toBe(2);
      const all = await eventually(
        () => box.receiver().at('/replayed'),
        (r) => r.length === 6,
        'the two replays',
      );
      await eventually(
        async () => (await box.sql`select count(*)::int as n from webhooks.deliveries where endpoint_id = ${id} and status = 'DELIVERED'`)[0]!.n,
        (n) => n === 4,
        'every delivery settled',
      );
      expect(
        all
          .slice(4)
          .map((r) => r.headers['webhook-id'])
          .sort(),
      ).toEqual([events[1]!.id, events[2]!.id].sort());
      expect(all.slice(0, 4).map((r) => r.headers['webhook-id'])).toEqual(events.map((e) => e.id));
    } finally {
      await stop();
    }
  });
});
