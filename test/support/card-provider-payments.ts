import { randomUUID } from 'node:crypto';

/**
 * The card provider stand-in's payment rules (Stripe's PaymentIntents and refunds, the parts orders uses):
 * what each call does to the intents it holds, behaviour chosen by the payment method token like Stripe's
 * test cards. The HTTP side (keys, replays, hanging answers, msw handlers) is card-provider-standin.ts.
 */
export type StandinIntentStatus = 'requires_payment_method' | 'requires_capture' | 'canceled' | 'succeeded';

export interface StandinIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status: StandinIntentStatus;
  capture_method: string;
  payment_method: string;
  metadata: Record<string, string>;
  cancellation_reason: string | null;
  created: number;
  /** Not in Stripe's object: what the tests assert on. */
  amount_refunded: number;
}

export interface StandinRefund {
  id: string;
  object: 'refund';
  payment_intent: string;
  amount: number;
  currency: string;
  status: 'succeeded';
  metadata: Record<string, string>;
}

export interface Answer {
  status: number;
  body: unknown;
  /** Validation failures and 5xx are not saved under the key, as at Stripe. */
  save?: boolean;
  hang?: boolean;
}

const DECLINES: Record<string, { decline_code: string; message: string }> = {
  tok_declined: { decline_code: 'generic_decline', message: 'Your card was declined.' },
  tok_insufficient_funds: { decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
};
const AUTHORISES = new Set(['tok_visa', 'tok_timeout', 'tok_flaky']);

const error = (status: number, fields: Record<string, unknown>, save = true): Answer => ({
  status,
  body: { error: { type: 'invalid_request_error', ...fields } },
  save,
});
const unexpectedState = (intent: StandinIntent, action: string) =>
  error(400, {
    code: 'payment_intent_unexpected_state',
    message: `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`,
    payment_intent: intent,
  });
export const missing = (id: string) => error(404, { code: 'resource_missing', message: `No such payment_intent: '${id}'`, param: 'intent' });

/** The intents and refunds of one stand-in, and what each provider call does to them. */
export function createStandinPayments() {
  const intents = new Map<string, StandinIntent>();
  const refunds: StandinRefund[] = [];

  function createIntent(params: URLSearchParams, firstAttemptOfKey: boolean): Answer {
    const amount = Number(params.get('amount'));
    const currency = params.get('currency') ?? '';
    const token = params.get('payment_method') ?? '';
    if (!Number.isSafeInteger(amount) || amount < 1)
      return error(400, { code: 'parameter_invalid_integer', param: 'amount', message: 'Invalid integer' }, false);
    if (!/^[a-z]{3}$/.test(currency)) return error(400, { code: 'parameter_missing', param: 'currency', message: 'Missing required param: currency.' }, false);
    if (params.get('confirm') !== 'true')
      return error(400, { code: 'parameter_unknown', param: 'confirm', message: 'The stand-in confirms on create only.' }, false);
    if (token === 'tok_flaky' && firstAttemptOfKey) {
      return { status: 503, body: { error: { type: 'api_error', message: 'Service temporarily unavailable.' } } };
    }
    if (!AUTHORISES.has(token) && !DECLINES[token]) {
      return error(400, { code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${token}'` }, false);
    }
    const manual = params.get('capture_method') === 'manual';
    const decline = DECLINES[token];
    const status: StandinIntentStatus = decline ? 'requires_payment_method' : manual ? 'requires_capture' : 'succeeded';
    const intent: StandinIntent = {
      id: `pi_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      object: 'payment_intent',
      amount,
      amount_capturable: status === 'requires_capture' ? amount : 0,
      amount_received: status === 'succeeded' ? amount : 0,
      currency,
      status,
      capture_method: manual ? 'manual' : 'automatic',
      payment_method: token,
      metadata: nested(params, 'metadata'),
      cancellation_reason: null,
      created: Math.floor(Date.now() / 1000),
      amount_refunded: 0,
    };
    intents.set(intent.id, intent);
    if (decline) return { status: 402, body: { error: { type: 'card_error', code: 'card_declined', ...decline, payment_intent: { ...intent } } } };
    return { status: 200, body: { ...intent }, hang: token === 'tok_timeout' };
  }

  function cancel(id: string): Answer {
    const intent = intents.get(id);
    if (!intent) return missing(id);
    if (intent.status !== 'requires_capture' && intent.status !== 'requires_payment_method') return unexpectedState(intent, 'cancel');
    Object.assign(intent, { status: 'canceled', amount_capturable: 0, cancellation_reason: 'requested_by_customer' });
    return { status: 200, body: { ...intent } };
  }

  function capture(id: string, params: URLSearchParams): Answer {
    const intent = intents.get(id);
    if (!intent) return missing(id);
    if (intent.status !== 'requires_capture') return unexpectedState(intent, 'capture');
    const amount = Number(params.get('amount_to_capture') ?? intent.amount);
    if (amount > intent.amount_capturable) {
      return error(400, { code: 'amount_too_large', param: 'amount_to_capture', message: 'amount_to_capture must be at most amount_capturable.' });
    }
    Object.assign(intent, { status: 'succeeded', amount_capturable: 0, amount_received: amount });
    return { status: 200, body: { ...intent } };
  }

  function refund(params: URLSearchParams): Answer {
    const id = params.get('payment_intent') ?? '';
    const intent = intents.get(id);
    if (!intent) return missing(id);
    if (intent.status !== 'succeeded') return unexpectedState(intent, 'refund');
    const left = intent.amount_received - intent.amount_refunded;
    const amount = Number(params.get('amount') ?? left);
    if (left === 0) return error(400, { code: 'charge_already_refunded', message: 'Charge has already been refunded.' });
    if (amount > left)
      return error(400, { code: 'amount_too_large', param: 'amount', message: `Refund amount (${amount}) is greater than unrefunded amount (${left}).` });
    intent.amount_refunded += amount;
    const r: StandinRefund = {
      id: `re_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      object: 'refund',
      payment_intent: id,
      amount,
      currency: intent.currency,
      status: 'succeeded',
      metadata: nested(params, 'metadata'),
    };
    refunds.push(r);
    return { status: 200, body: { ...r } };
  }

  function search(query: string): Answer {
    const m = /^metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'$/.exec(query);
    if (!m) return error(400, { code: 'parameter_invalid_string', param: 'query', message: 'The stand-in searches one metadata field.' }, false);
    const value = m[2]!.replace(/\\(.)/g, '$1');
    const data = [...intents.values()].filter((i) => i.metadata[m[1]!] === value);
    return { status: 200, body: { object: 'search_result', data, has_more: false, url: '/v1/payment_intents/search' } };
  }

  const listIntents = (filter: { reference?: string; idempotencyKey?: string } = {}) =>
    [...intents.values()]
      .filter((i) => filter.reference === undefined || i.metadata.reference === filter.reference)
      .filter((i) => filter.idempotencyKey === undefined || i.metadata.idempotency_key === filter.idempotencyKey)
      .map((i) => ({ ...i }));
  const listRefunds = (paymentIntentId?: string) =>
    refunds.filter((r) => paymentIntentId === undefined || r.payment_intent === paymentIntentId).map((r) => ({ ...r }));

  const intent = (id: string): Answer => {
    const found = intents.get(id);
    return found ? { status: 200, body: { ...found } } : missing(id);
  };

  return { createIntent, cancel, capture, refund, search, intent, listIntents, listRefunds };
}

/** Stripe's bracket notation back into a record: `metadata[reference]=x` -> { reference: 'x' }. */
function nested(params: URLSearchParams, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (k.startsWith(`${field}[`) && k.endsWith(']')) out[k.slice(field.length + 1, -1)] = v;
  return out;
}
