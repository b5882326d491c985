import { randomUUID } from 'node:crypto';
import type { Logger } from '@storegraph/kit';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CARD_PROVIDER_STANDIN_KEY,
  CARD_PROVIDER_STANDIN_ORIGIN,
  createCardProviderStandin,
  serveCardProviderStandin,
} from '../../../../test/support/card-provider-standin.ts';
import type { CardApiConfig } from './card-api.transport.ts';
import { CardPaymentStrategy } from './card-payment.strategy.ts';
import type { AuthorizeRequest } from './payment-provider.strategy.ts';

const standin = createCardProviderStandin();
const provider = setupServer(...standin.handlers);
beforeAll(() => provider.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => provider.close());

const logged: unknown[] = [];
const log = { warn: (o: unknown) => logged.push(o), error: (o: unknown) => logged.push(o) } as unknown as Logger;
const card = (config: Partial<CardApiConfig> = {}) =>
  new CardPaymentStrategy(
    { baseUrl: CARD_PROVIDER_STANDIN_ORIGIN, apiKey: CARD_PROVIDER_STANDIN_KEY, timeoutMs: 1_000, maxAttempts: 3, retryBackoffMs: 10, ...config },
    log,
  );

/** A fresh saga per test: its keys are `<saga>:authorize`, `<saga>:capture`, ... as the checkout derives them. */
function saga(token = 'tok_visa', amount = 1234, currency = 'EUR') {
  const id = randomUUID();
  const key = (step: string) => `${id}:${step}`;
  const request: AuthorizeRequest = {
    idempotencyKey: key('authorize'),
    amount: { amount, currency },
    paymentMethod: { provider: 'card', token },
    reference: `ord-${id.slice(0, 8)}`,
  };
  return { key, request };
}

async function authorised(amount = 1234) {
  const s = saga('tok_visa', amount);
  const result = await card().authorize(s.request);
  if (result.status !== 'AUTHORIZED') throw new Error(`expected an authorisation, got ${result.status}`);
  return { ...s, ref: result.providerRef };
}

describe('authorising a card payment', () => {
  it('holds 12.34 EUR on tok_visa for a later capture, tagged with our reference and key', async () => {
    const s = saga();
    const result = await card().authorize(s.request);
    expect(result).toEqual({ status: 'AUTHORIZED', providerRef: expect.stringMatching(/^pi_/), amount: { amount: 1234, currency: 'EUR' } });
    const [intent, ...more] = standin.intents({ idempotencyKey: s.key('authorize') });
    expect(more).toEqual([]);
    expect(intent).toMatchObject({ amount: 1234, currency: 'eur', status: 'requires_capture', capture_method: 'manual' });
    expect(intent?.metadata).toEqual({ reference: s.request.reference, idempotency_key: s.key('authorize') });
  });

  it('sends minor units unchanged for currencies with 0 and 3 decimals (1500 JPY, 12.345 KWD)', async () => {
    expect(await card().authorize(saga('tok_visa', 1500, 'JPY').request)).toMatchObject({ amount: { amount: 1500, currency: 'JPY' } });
    expect(await card().authorize(saga('tok_visa', 12345, 'KWD').request)).toMatchObject({ amount: { amount: 12345, currency: 'KWD' } });
  });

  it.each([
    ['tok_declined', 'generic_decline', 'Your card was declined.'],
    ['tok_insufficient_funds', 'insufficient_funds', 'Your card has insufficient funds.'],
  ])('reports %s as DECLINED with decline code %s and holds nothing', async (token, declineCode, reason) => {
    const s = saga(token);
    expect(await card().authorize(s.request)).toEqual({ status: 'DECLINED', reason, declineCode });
    expect(standin.intents({ idempotencyKey: s.key('authorize') }).map((i) => i.status)).toEqual(['requires_payment_method']);
    expect(standin.calls(s.key('authorize'))).toBe(1);
  });

  it('declines an unknown payment method without quoting its token back', async () => {
    const result = await card().authorize(saga('tok_made_up').request);
    expect(result).toEqual({ status: 'DECLINED', reason: "No such PaymentMethod: '[payment method]'", declineCode: 'resource_missing' });
  });

  it('gives up on a provider that never answers after 3 attempts with the same key, and recovery finds and voids what it held', async () => {
    const s = saga('tok_timeout');
    const started = Date.now();
    const result = await card({ timeoutMs: 200 }).authorize(s.request);
    expect(result).toEqual({ status: 'UNAVAILABLE', message: 'card provider authorize: no answer within 200 ms (3 attempts)' });
    // 3 waits of 200 ms, plus 10 and 20 ms of backoff (and up to half of that in jitter).
    expect(Date.now() - started).toBeGreaterThanOrEqual(630);
    expect(standin.calls(s.key('authorize'))).toBe(3);
    const [held, ...more] = standin.intents({ idempotencyKey: s.key('authorize') });
    expect(more).toEqual([]);

    const found = await card().findAuthorization(s.key('authorize'));
    expect(found).toEqual({ status: 'FOUND', providerRef: held?.id, state: 'AUTHORIZED', amount: { amount: 1234, currency: 'EUR' } });
    expect(await card().void({ providerRef: held!.id, idempotencyKey: s.key('void') })).toEqual({ status: 'VOIDED' });
    expect(standin.intents({ idempotencyKey: s.key('authorize') }).map((i) => i.status)).toEqual(['canceled']);
  });

  it('authorises tok_flaky on the retry after a 503, creating exactly one payment', async () => {
    const s = saga('tok_flaky');
    expect(await card().authorize(s.request)).toMatchObject({ status: 'AUTHORIZED', amount: { amount: 1234, currency: 'EUR' } });
    expect(standin.calls(s.key('authorize'))).toBe(2);
    expect(standin.intents({ idempotencyKey: s.key('authorize') })).toHaveLength(1);
  });

  it('answers a replayed authorisation with the same payment and creates no second one', async () => {
    const s = saga();
    const first = await card().authorize(s.request);
    const again = await card().authorize(s.request);
    expect(again).toEqual(first);
    expect(standin.calls(s.key('authorize'))).toBe(2);
    expect(standin.intents({ reference: s.request.reference })).toHaveLength(1);
  });

  it('refuses a key replayed with another amount as a bug, not a second payment', async () => {
    const s = saga();
    await card().authorize(s.request);
    await expect(card().authorize({ ...s.request, amount: { amount: 999, currency: 'EUR' } })).rejects.toMatchObject({
      extensions: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
    expect(standin.intents({ reference: s.request.reference })).toHaveLength(1);
  });

  it('throws on a card payment without a token or with an amount that is not positive minor units', async () => {
    const s = saga();
    await expect(card().authorize({ ...s.request, paymentMethod: { provider: 'card' } })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(card().authorize({ ...s.request, amount: { amount: 0, currency: 'EUR' } })).rejects.toThrow(RangeError);
    await expect(card().authorize({ ...s.request, amount: { amount: 12.5, currency: 'EUR' } })).rejects.toThrow(RangeError);
    expect(standin.calls(s.key('authorize'))).toBe(0);
  });

  it('reports a refused API key as UNAVAILABLE at once, without retrying or logging the key or the token', async () => {
    const s = saga();
    logged.length = 0;
    const result = await card({ apiKey: 'not-a-secret-key' }).authorize(s.request);
    expect(result).toEqual({ status: 'UNAVAILABLE', message: 'card provider authorize: HTTP 401: Invalid API Key provided.' });
    expect(standin.calls(s.key('authorize'))).toBe(1);
    expect(logged).toEqual([{ provider: 'card', operation: 'authorize', status: 401 }]);
  });

  it('reports an unreachable provider as UNAVAILABLE after 3 attempts', async () => {
    logged.length = 0;
    const result = await card({ baseUrl: 'http://127.0.0.1:9' }).authorize(saga('tok_timeout').request);
    expect(result).toMatchObject({ status: 'UNAVAILABLE', message: expect.stringMatching(/\(3 attempts\)$/) });
    expect(logged).toHaveLength(3);
    expect(JSON.stringify(logged)).not.toMatch(/sk_test|tok_/);
  });
});

describe('voiding, capturing and refunding', () => {
  it('voids an authorisation, and voiding it again under any key is still VOIDED', async () => {
    const { key, ref } = await authorised();
    expect(await card().void({ providerRef: ref, idempotencyKey: key('void') })).toEqual({ status: 'VOIDED' });
    expect(await card().void({ providerRef: ref, idempotencyKey: key('void') })).toEqual({ status: 'VOIDED' });
    expect(await card().void({ providerRef: ref, idempotencyKey: key('cancel-order') })).toEqual({ status: 'VOIDED' });
    expect(await card().capture({ providerRef: ref, amount: { amount: 1234, currency: 'EUR' }, idempotencyKey: key('capture') })).toMatchObject({
      status: 'REJECTED',
      reason: 'ALREADY_VOIDED',
    });
    expect(await card().findAuthorization(key('authorize'))).toMatchObject({ status: 'FOUND', state: 'VOIDED' });
  });

  it('replays the first answer to an authorisation voided since; findAuthorization tells the state now', async () => {
    const { key, ref, request } = await authorised();
    await card().void({ providerRef: ref, idempotencyKey: key('void') });
    expect(await card().authorize(request)).toMatchObject({ status: 'AUTHORIZED', providerRef: ref });
    expect(await card().findAuthorization(key('authorize'))).toMatchObject({ status: 'FOUND', providerRef: ref, state: 'VOIDED' });
  });

  it('captures 10.00 of 12.34 EUR once, however often asked, and then refuses to void', async () => {
    const { key, ref } = await authorised();
    const capture = { providerRef: ref, amount: { amount: 1000, currency: 'EUR' }, idempotencyKey: key('capture') };
    expect(await card().capture(capture)).toEqual({ status: 'CAPTURED', amount: { amount: 1000, currency: 'EUR' } });
    expect(await card().capture(capture)).toEqual({ status: 'CAPTURED', amount: { amount: 1000, currency: 'EUR' } });
    expect(await card().capture({ ...capture, idempotencyKey: key('capture-again') })).toEqual({
      status: 'CAPTURED',
      amount: { amount: 1000, currency: 'EUR' },
    });
    expect(await card().void({ providerRef: ref, idempotencyKey: key('void') })).toMatchObject({ status: 'REJECTED', reason: 'ALREADY_CAPTURED' });
    expect(standin.intents({ idempotencyKey: key('authorize') })).toMatchObject([{ status: 'succeeded', amount_received: 1000 }]);
    expect(await card().findAuthorization(key('authorize'))).toMatchObject({ status: 'FOUND', state: 'CAPTURED' });
  });

  it('refuses to capture more than was authorised and keeps the authorisation', async () => {
    const { key, ref } = await authorised();
    expect(await card().capture({ providerRef: ref, amount: { amount: 1235, currency: 'EUR' }, idempotencyKey: key('capture') })).toMatchObject({
      status: 'REJECTED',
      reason: 'AMOUNT_TOO_LARGE',
    });
    expect(standin.intents({ idempotencyKey: key('authorize') })).toMatchObject([{ status: 'requires_capture' }]);
  });

  it('refunds 2.34 and then 10.00 of 12.34 EUR captured, replays a refund by key, and refuses a cent more', async () => {
    const { key, ref } = await authorised();
    await card().capture({ providerRef: ref, amount: { amount: 1234, currency: 'EUR' }, idempotencyKey: key('capture') });
    const first = { providerRef: ref, amount: { amount: 234, currency: 'EUR' }, idempotencyKey: key('refund-1') };
    const refunded = await card().refund(first);
    expect(refunded).toEqual({ status: 'REFUNDED', refundRef: expect.stringMatching(/^re_/), amount: { amount: 234, currency: 'EUR' } });
    expect(await card().refund(first)).toEqual(refunded);
    expect(await card().refund({ ...first, amount: { amount: 1001, currency: 'EUR' }, idempotencyKey: key('refund-2') })).toMatchObject({
      status: 'REJECTED',
      reason: 'AMOUNT_TOO_LARGE',
    });
    expect(await card().refund({ ...first, amount: { amount: 1000, currency: 'EUR' }, idempotencyKey: key('refund-3') })).toMatchObject({ status: 'REFUNDED' });
    expect(await card().refund({ ...first, amount: { amount: 1, currency: 'EUR' }, idempotencyKey: key('refund-4') })).toMatchObject({
      status: 'REJECTED',
      reason: 'AMOUNT_TOO_LARGE',
    });
    expect(standin.refunds(ref).map((r) => r.amount)).toEqual([234, 1000]);
  });

  it('refuses to refund what was never captured: void it instead', async () => {
    const { key, ref } = await authorised();
    expect(await card().refund({ providerRef: ref, amount: { amount: 100, currency: 'EUR' }, idempotencyKey: key('refund') })).toMatchObject({
      status: 'REJECTED',
      reason: 'NOT_CAPTURED',
    });
  });

  it('reports a payment the provider does not know as NOT_FOUND', async () => {
    const key = randomUUID();
    expect(await card().void({ providerRef: 'pi_unknown', idempotencyKey: `${key}:void` })).toMatchObject({ status: 'REJECTED', reason: 'NOT_FOUND' });
    expect(await card().findAuthorization(`${key}:authorize`)).toEqual({ status: 'NOT_FOUND' });
  });
});

describe('the stand-in served on a real port, as a subgraph in another process reaches it', () => {
  it('authorises, times out and shows its state over HTTP', async () => {
    const served = await serveCardProviderStandin();
    try {
      const overHttp = card({ baseUrl: served.url, timeoutMs: 200, maxAttempts: 2 });
      const s = saga();
      expect(await overHttp.authorize(s.request)).toMatchObject({ status: 'AUTHORIZED' });
      const lost = saga('tok_timeout');
      expect(await overHttp.authorize(lost.request)).toMatchObject({ status: 'UNAVAILABLE' });

      const inspect = async (path: string) => (await fetch(`${served.url}${path}`)).json();
      expect(await inspect(`/__standin/intents?reference=${s.request.reference}`)).toMatchObject({ data: [{ status: 'requires_capture', amount: 1234 }] });
      expect(await inspect(`/__standin/calls?idempotency_key=${lost.key('authorize')}`)).toEqual({ calls: 2 });
      expect(served.intents({ idempotencyKey: lost.key('authorize') })).toMatchObject([{ status: 'requires_capture' }]);
    } finally {
      await served.close();
    }
  });
});
