import { randomUUID } from 'node:crypto';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { serveHandlers } from './msw-port.ts';

/**
 * A stand-in for the card provider (Stripe's PaymentIntents API, the parts orders uses), as msw handlers:
 * in a test process with `setupServer(...standin.handlers)`, or on a real port with
 * `serveCardProviderStandin()` for a subgraph running in another process.
 *
 * Behaviour is chosen by the payment method token, like Stripe's test cards, so concurrent tests share
 * no switches: tok_visa authorises; tok_declined and tok_insufficient_funds answer 402; tok_timeout
 * authorises and then never answers in time (the "answer lost" case: the intent exists, findable by its
 * key); tok_flaky answers 503 to the first attempt of a key and authorises on the retry. Any other
 * token is an unknown payment method (400).
 *
 * Idempotency as Stripe keeps it: the first answer under a key is saved (unless the request failed
 * validation or with a 5xx) and replayed for the same parameters; other parameters get 400
 * idempotency_error.
 */
export const CARD_PROVIDER_STANDIN_ORIGIN = 'https://card-provider.test';
export const CARD_PROVIDER_STANDIN_KEY = 'sk_test_standin';

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

export interface CardProviderStandin {
  handlers: HttpHandler[];
  /** Intents, oldest first; `reference` and `idempotencyKey` match the metadata the adapter sends. */
  intents(filter?: { reference?: string; idempotencyKey?: string }): StandinIntent[];
  refunds(paymentIntentId?: string): StandinRefund[];
  /** Requests that carried this Idempotency-Key, replays and failed attempts included. */
  calls(idempotencyKey: string): number;
}

export interface StandinOptions {
  /** Origin the handlers answer for; '*' for any. */
  origin?: string;
  /** How long tok_timeout keeps a request waiting if the client does not give up first. */
  hangMs?: number;
}

interface Answer {
  status: number;
  body: unknown;
  /** Validation failures and 5xx are not saved under the key, as at Stripe. */
  save?: boolean;
  hang?: boolean;
}
interface Saved extends Answer {
  signature: string;
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
const missing = (id: string) => error(404, { code: 'resource_missing', message: `No such payment_intent: '${id}'`, param: 'intent' });

export function createCardProviderStandin(options: StandinOptions = {}): CardProviderStandin {
  const origin = options.origin ?? CARD_PROVIDER_STANDIN_ORIGIN;
  const hangMs = options.hangMs ?? 30_000;
  const intents = new Map<string, StandinIntent>();
  const refunds: StandinRefund[] = [];
  const saved = new Map<string, Saved>();
  const calls = new Map<string, number>();

  /** Counts the call, replays or refuses a known key, else runs `produce` and saves its answer. */
  async function answer(request: Request, params: URLSearchParams, produce: (key: string | null) => Answer) {
    const key = request.headers.get('idempotency-key');
    if (key) calls.set(key, (calls.get(key) ?? 0) + 1);
    if (!/^Bearer sk_\S+$/.test(request.headers.get('authorization') ?? '')) {
      return respond(request, { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } } });
    }
    if (!key) return respond(request, produce(null));
    const signature = `${request.method} ${new URL(request.url).pathname} ${[...params].sort().join('&')}`;
    const first = saved.get(key);
    if (first && first.signature !== signature) {
      return respond(request, {
        status: 400,
        body: {
          error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' },
        },
      });
    }
    if (first) return respond(request, first, true);
    const out = produce(key);
    if (out.save !== false && out.status < 500) saved.set(key, { ...out, signature });
    return respond(request, out);
  }

  async function respond(request: Request, out: Answer, replayed = false) {
    if (out.hang) await hang(request.signal, hangMs);
    const headers: Record<string, string> = replayed ? { 'idempotent-replayed': 'true' } : {};
    return HttpResponse.json(out.body as never, { status: out.status, headers });
  }

  function createIntent(params: URLSearchParams, key: string | null): Answer {
    const amount = Number(params.get('amount'));
    const currency = params.get('currency') ?? '';
    const token = params.get('payment_method') ?? '';
    if (!Number.isSafeInteger(amount) || amount < 1)
      return error(400, { code: 'parameter_invalid_integer', param: 'amount', message: 'Invalid integer' }, false);
    if (!/^[a-z]{3}$/.test(currency)) return error(400, { code: 'parameter_missing', param: 'currency', message: 'Missing required param: currency.' }, false);
    if (params.get('confirm') !== 'true')
      return error(400, { code: 'parameter_unknown', param: 'confirm', message: 'The stand-in confirms on create only.' }, false);
    if (token === 'tok_flaky' && key && calls.get(key) === 1) {
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

  const url = (path: string) => `${origin}${path}`;
  const form = async (request: Request) => new URLSearchParams(await request.text());
  const none = new URLSearchParams();
  const listIntents = (filter: { reference?: string; idempotencyKey?: string } = {}) =>
    [...intents.values()]
      .filter((i) => filter.reference === undefined || i.metadata.reference === filter.reference)
      .filter((i) => filter.idempotencyKey === undefined || i.metadata.idempotency_key === filter.idempotencyKey)
      .map((i) => ({ ...i }));
  const listRefunds = (paymentIntentId?: string) =>
    refunds.filter((r) => paymentIntentId === undefined || r.payment_intent === paymentIntentId).map((r) => ({ ...r }));

  const handlers = [
    // search before :id, which would match it too; the first matching handler answers.
    http.get(url('/v1/payment_intents/search'), ({ request }) => answer(request, none, () => search(new URL(request.url).searchParams.get('query') ?? ''))),
    http.get(url('/v1/payment_intents/:id'), ({ request, params }) =>
      answer(request, none, () => {
        const intent = intents.get(String(params.id));
        return intent ? { status: 200, body: { ...intent } } : missing(String(params.id));
      }),
    ),
    http.post(url('/v1/payment_intents'), async ({ request }) => {
      const p = await form(request);
      return answer(request, p, (key) => createIntent(p, key));
    }),
    http.post(url('/v1/payment_intents/:id/cancel'), async ({ request, params }) => answer(request, await form(request), () => cancel(String(params.id)))),
    http.post(url('/v1/payment_intents/:id/capture'), async ({ request, params }) => {
      const p = await form(request);
      return answer(request, p, () => capture(String(params.id), p));
    }),
    http.post(url('/v1/refunds'), async ({ request }) => {
      const p = await form(request);
      return answer(request, p, () => refund(p));
    }),
    // Inspection for tests in another process than the stand-in's; not part of the provider's API.
    http.get(url('/__standin/intents'), ({ request }) => {
      const q = new URL(request.url).searchParams;
      return HttpResponse.json({ data: listIntents({ reference: q.get('reference') ?? undefined, idempotencyKey: q.get('idempotency_key') ?? undefined }) });
    }),
    http.get(url('/__standin/refunds'), ({ request }) =>
      HttpResponse.json({ data: listRefunds(new URL(request.url).searchParams.get('payment_intent') ?? undefined) }),
    ),
    http.get(url('/__standin/calls'), ({ request }) =>
      HttpResponse.json({ calls: calls.get(new URL(request.url).searchParams.get('idempotency_key') ?? '') ?? 0 }),
    ),
  ];

  return { handlers, intents: listIntents, refunds: listRefunds, calls: (key) => calls.get(key) ?? 0 };
}

export interface ServedCardProviderStandin extends CardProviderStandin {
  /** Base URL for PAYMENT_CARD_API_URL, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/** The same handlers on a real local HTTP port (PAYMENT_CARD_API_URL), for orders running in another process. */
export async function serveCardProviderStandin(options: Omit<StandinOptions, 'origin'> & { port?: number } = {}): Promise<ServedCardProviderStandin> {
  const standin = createCardProviderStandin({ ...options, origin: '*' });
  const served = await serveHandlers(
    standin.handlers,
    () => HttpResponse.json({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }, { status: 404 }),
    options.port,
  );
  return { ...standin, ...served };
}

function hang(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Stripe's bracket notation back into a record: `metadata[reference]=x` -> { reference: 'x' }. */
function nested(params: URLSearchParams, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (k.startsWith(`${field}[`) && k.endsWith(']')) out[k.slice(field.length + 1, -1)] = v;
  return out;
}
