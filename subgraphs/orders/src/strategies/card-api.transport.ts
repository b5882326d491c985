import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@storegraph/kit';

export interface CardApiConfig {
  /** e.g. https://api.stripe.com, or the stand-in's URL in tests. */
  baseUrl: string;
  /** The secret key; sent as a bearer token and nowhere else (never logged). */
  apiKey: string;
  /** Per attempt, body included. */
  timeoutMs: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Wait before the first retry; doubled for each later one. */
  retryBackoffMs: number;
}

/** Stripe-style form fields: nested records become `metadata[key]=...`, lists `types[0]=...`. */
export type FormFields = Record<string, string | number | boolean | readonly string[] | Record<string, string> | undefined>;

export interface CardApiCall {
  /** For logs only: 'authorize', 'void', ... */
  operation: string;
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/v1/payment_intents/pi_1/cancel`. */
  path: string;
  form?: FormFields;
  /** Sent as `Idempotency-Key` on every attempt of the call: a retry must never become a second payment. */
  idempotencyKey?: string;
}

/** The provider's final answer (2xx or a refusal no retry can change), or no answer at all. */
export type CardApiAnswer = { kind: 'answered'; status: number; body: any } | { kind: 'unavailable'; message: string };

export function encodeForm(fields: FormFields): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const [i, v] of value.entries()) out.append(`${key}[${i}]`, v);
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) out.append(`${key}[${k}]`, v);
    else out.append(key, String(value));
  }
  return out.toString();
}

/**
 * One HTTP call to the card provider, with a timeout per attempt and a bounded number of retries.
 * Global fetch rather than an undici Pool on purpose: msw intercepts fetch, so unit tests exercise
 * this very code against the stand-in.
 */
export class CardApiTransport {
  constructor(
    private readonly config: CardApiConfig,
    private readonly log: Logger,
  ) {}

  async send(call: CardApiCall): Promise<CardApiAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.config.apiKey}` };
    if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
    if (call.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const body = call.form ? encodeForm(call.form) : undefined;
    let failure = '';
    for (let attempt = 1; attempt <= this.config.maxAttempts; attempt++) {
      if (attempt > 1) {
        // Exponential with jitter, so replicas that lost the provider together do not retry in step.
        const base = this.config.retryBackoffMs * 2 ** (attempt - 2);
        await sleep(base + Math.floor(Math.random() * (base / 2)));
      }
      try {
        const res = await fetch(new URL(call.path, this.config.baseUrl), {
          method: call.method,
          headers,
          body,
          signal: AbortSignal.timeout(this.config.timeoutMs),
        });
        const text = await res.text();
        if (!retryable(res)) {
          if (res.status === 401 || res.status === 403)
            this.log.error({ provider: 'card', operation: call.operation, status: res.status }, 'card provider refused the API key');
          return { kind: 'answered', status: res.status, body: parseJson(text) };
        }
        failure = `HTTP ${res.status}`;
      } catch (err) {
        const name = (err as Error).name;
        failure = name === 'TimeoutError' ? `no answer within ${this.config.timeoutMs} ms` : `${name}: ${(err as Error).message}`;
      }
      this.log.warn({ provider: 'card', operation: call.operation, attempt, failure, idempotencyKey: call.idempotencyKey }, 'card provider call failed');
    }
    return { kind: 'unavailable', message: `card provider ${call.operation}: ${failure} (${this.config.maxAttempts} attempts)` };
  }
}

/**
 * Stripe's own clients retry what its `Stripe-Should-Retry` header says, else 409 (the same key still in
 * flight), 429 and 5xx. A 5xx Stripe has recorded under the key replays identically, so it says false.
 */
function retryable(res: Response): boolean {
  const hint = res.headers.get('stripe-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  return res.status === 409 || res.status === 429 || res.status >= 500;
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text.slice(0, 200) };
  }
}
