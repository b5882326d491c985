import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { appError } from '@storegraph/schema';
import type { GraphQLError } from 'graphql';

/**
 * A call to another service that got no usable answer: refused, reset, timed out, a 5xx, or not made
 * because the circuit is open. `sent` says whether the request may have reached the other side (false:
 * it certainly did not, so a write it carried did not happen).
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly service: string,
    detail: string,
    readonly sent: boolean,
    /** the transport's error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ...), when there was one */
    readonly transportCode = '',
  ) {
    super(`the ${service} service did not answer: ${detail}`);
    this.name = 'DependencyUnavailableError';
  }

  /** Refused or dropped, not slow: worth one more try for a read (a timed-out read is not tried again). */
  get retryable(): boolean {
    return RETRYABLE.has(this.transportCode);
  }
}

/** The client-facing error for a dependency that is down: retryable, naming the service. */
export function serviceUnavailable(service: string): GraphQLError {
  return appError('SERVICE_UNAVAILABLE', `the ${service} service is unavailable; retry later`, { service, retryable: true });
}

/** Transport errors after which the request certainly never reached the other service. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Transport errors worth one more try for a read: the connection was refused or dropped, not slow. */
const RETRYABLE = new Set([...NOT_SENT, 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Whether a transport error certainly left the request unsent (refused, unresolvable, unreachable): safe to send elsewhere, even a write. */
export function certainlyNotSent(err: unknown): boolean {
  return NOT_SENT.has(errorCode(err));
}

/** Whether a read that failed on the wire (refused, reset, dropped; not timed out) is worth sending again, to another replica. */
export function readWorthRepeating(err: unknown): boolean {
  return RETRYABLE.has(errorCode(err));
}

function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}

export interface GuardOptions {
  /** consecutive failures that open the circuit */
  failures?: number;
  /** how long an open circuit refuses calls before one test call may pass */
  halfOpenAfterMs?: number;
}

/**
 * One dependency's circuit breaker, bounded retry and error mapping. After 5 consecutive failures calls
 * are refused at once for 1 s (then one test call decides): with a dependency down, a caller answers in
 * microseconds instead of waiting on connects, and the dependency is not hammered while it starts up.
 * Reads (idempotent) get one more try after 50 ms when the connection was refused or dropped, which is
 * what a restarting or replaced replica looks like; a write is never repeated here (its caller holds the
 * idempotency key and decides).
 */
export class DependencyGuard {
  private readonly breaker;
  private readonly halfOpenAfterMs: number;
  private openedAt = 0;

  constructor(
    readonly service: string,
    opts: GuardOptions = {},
  ) {
    this.halfOpenAfterMs = opts.halfOpenAfterMs ?? 1_000;
    this.breaker = circuitBreaker(
      handleWhen((err) => err instanceof DependencyUnavailableError),
      { halfOpenAfter: this.halfOpenAfterMs, breaker: new ConsecutiveBreaker(opts.failures ?? 5) },
    );
    this.breaker.onBreak(() => {
      this.openedAt = performance.now();
    });
    guards.add(this);
  }

  /**
   * Calls would go through: closed, half-open, or open for longer than `halfOpenAfterMs` (cockatiel moves to
   * half-open only when the next call arrives; readiness must not wait for traffic that a not-ready service
   * never gets).
   */
  get closed(): boolean {
    const state = this.breaker.state;
    if (state === CircuitState.Isolated) return false;
    return state !== CircuitState.Open || performance.now() - this.openedAt >= this.halfOpenAfterMs;
  }

  /**
   * Runs `call`; a transport failure becomes DependencyUnavailableError (counted by the breaker), an
   * answer with a GraphQL error is the caller's business. `failed` tells a bad answer (e.g. HTTP 502) apart.
   */
  async run<T>(call: () => Promise<T>, opts: { idempotent: boolean; failed?: (answer: T) => string | null }): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.breaker.execute(async () => {
          let answer: T;
          try {
            answer = await call();
          } catch (err) {
            const code = errorCode(err);
            throw new DependencyUnavailableError(this.service, code || (err as Error).message, !NOT_SENT.has(code), code);
          }
          const bad = opts.failed?.(answer);
          if (bad) throw new DependencyUnavailableError(this.service, bad, true);
          return answer;
        });
      } catch (err) {
        if (err instanceof BrokenCircuitError) throw new DependencyUnavailableError(this.service, 'circuit open', false);
        const retry = opts.idempotent && attempt === 1 && err instanceof DependencyUnavailableError && err.retryable;
        if (!retry) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

const guards = new Set<DependencyGuard>();

/** Dependencies of this process whose circuit is open: readiness reports them. */
export function openCircuits(): string[] {
  return [...guards].filter((g) => !g.closed).map((g) => g.service);
}
