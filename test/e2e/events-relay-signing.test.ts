import { randomBytes, randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signatureHeaders } from '@storegraph/kit';
import { envelopeSchema } from '@storegraph/schema';
import { eventually } from '../support/webhook-receiver.ts';
import { ownOutbox, placed } from './events-relay-support.ts';

/** Standard Webhooks signatures of the relay's deliveries, checked with the standard library. */
const box = ownOutbox();

describe('webhook signatures', () => {
  it('signs each delivery so the Standard Webhooks library verifies it, and refuses a tampered body or an old timestamp', async () => {
    const chA = box.channel();
    const { secret } = await box.endpoint('/signed', ['order.placed'], [chA]);
    const orderId = randomUUID();
    const eventId = await box.emit('order.placed', chA, orderId, 1, placed(orderId, chA));
    const stop = box.relay();
    try {
      const [got] = await eventually(
        () => box.receiver().at('/signed'),
        (r) => r.length === 1,
        'the delivery',
      );
      const wh = new Webhook(secret);
      expect(wh.verify(got!.body, got!.headers)).toEqual({
        id: eventId,
        type: 'order.placed',
        timestamp: expect.any(String),
        source: box.source,
        channels: [chA],
        aggregateId: orderId,
        aggregateVersion: 1,
        data: placed(orderId, chA),
      });
      expect(got!.headers['webhook-id']).toBe(eventId);
      // The body is the catalogue's envelope of its type.
      const validate = new Ajv2020({ validateFormats: false }).compile({
        ...envelopeSchema('order.placed'),
        properties: { ...(envelopeSchema('order.placed').properties as object), source: { const: box.source } },
      });
      expect(validate(JSON.parse(got!.body)), JSON.stringify(validate.errors)).toBe(true);

      const tampered = got!.body.replace('11900', '1');
      expect(tampered).not.toBe(got!.body);
      expect(() => wh.verify(tampered, got!.headers)).toThrow(WebhookVerificationError);
      // Signed by us, correctly, ten minutes ago: a replay the library refuses (its tolerance is 5 minutes).
      const old = signatureHeaders(eventId, got!.body, [secret], new Date(Date.now() - 600_000));
      expect(() => wh.verify(got!.body, old)).toThrow('Message timestamp too old');
      expect(() => new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(got!.body, got!.headers)).toThrow(WebhookVerificationError);
    } finally {
      await stop();
    }
  });
});
