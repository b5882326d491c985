import { type HttpHandler, HttpResponse, http } from 'msw';
import { serveHandlers } from './msw-port.ts';
import { createStandinPayments, type Answer, type StandinIntent, type StandinRefund } from './card-provider-payments.ts';

export type { StandinIntent, StandinIntentStatus, StandinRefund } from './card-provider-payments.ts';

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

interface Saved extends Answer {
  signature: string;
}

export function createCardProviderStandin(options: StandinOptions = {}): CardProviderStandin {
  const origin = options.origin ?? CARD_PROVIDER_STANDIN_ORIGIN;
  const hangMs = options.hangMs ?? 30_000;
  const payments = createStandinPayments();
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
  const url = (path: string) => `${origin}${path}`;
  const form = async (request: Request) => new URLSearchParams(await request.text());
  const none = new URLSearchParams();
  const handlers = [
    // search before :id, which would match it too; the first matching handler answers.
    http.get(url('/v1/payment_intents/search'), ({ request }) =>
      answer(request, none, () => payments.search(new URL(request.url).searchParams.get('query') ?? '')),
    ),
    http.get(url('/v1/payment_intents/:id'), ({ request, params }) => answer(request, none, () => payments.intent(String(params.id)))),
    http.post(url('/v1/payment_intents'), async ({ request }) => {
      const p = await form(request);
      return answer(request, p, (key) => payments.createIntent(p, key !== null && calls.get(key) === 1));
    }),
    http.post(url('/v1/payment_intents/:id/cancel'), async ({ request, params }) =>
      answer(request, await form(request), () => payments.cancel(String(params.id))),
    ),
    http.post(url('/v1/payment_intents/:id/capture'), async ({ request, params }) => {
      const p = await form(request);
      return answer(request, p, () => payments.capture(String(params.id), p));
    }),
    http.post(url('/v1/refunds'), async ({ request }) => {
      const p = await form(request);
      return answer(request, p, () => payments.refund(p));
    }),
    // Inspection for tests in another process than the stand-in's; not part of the provider's API.
    http.get(url('/__standin/intents'), ({ request }) => {
      const q = new URL(request.url).searchParams;
      return HttpResponse.json({
        data: payments.listIntents({ reference: q.get('reference') ?? undefined, idempotencyKey: q.get('idempotency_key') ?? undefined }),
      });
    }),
    http.get(url('/__standin/refunds'), ({ request }) =>
      HttpResponse.json({ data: payments.listRefunds(new URL(request.url).searchParams.get('payment_intent') ?? undefined) }),
    ),
    http.get(url('/__standin/calls'), ({ request }) =>
      HttpResponse.json({ calls: calls.get(new URL(request.url).searchParams.get('idempotency_key') ?? '') ?? 0 }),
    ),
  ];

  return { handlers, intents: payments.listIntents, refunds: payments.listRefunds, calls: (key) => calls.get(key) ?? 0 };
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
