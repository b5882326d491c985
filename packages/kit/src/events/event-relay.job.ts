import { hostname } from 'node:os';
import type { Sql } from 'postgres';
import { z } from 'zod';
import { loadConfig, type Logger } from '@storegraph/server-kit';
import { type EventBusOptions, eventBusOptionsFromEnv, startBusPublisher } from './nats-event-bus.ts';
import { relayOutbox } from './outbox-relay.ts';
import { claimDeliveries, deliver, type DispatchOptions } from './webhook-dispatcher.ts';

export const eventRelayConfigShape = {
  EVENTS_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(64),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(30),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(86_400_000)
    .default(6 * 3_600_000),
  WEBHOOK_RETRY_WINDOW_HOURS: z.coerce.number().min(0).max(720).default(72),
  /** An endpoint whose every attempt has failed for this long is disabled (5 days; a test uses seconds). */
  WEBHOOK_DISABLE_AFTER_SECONDS: z.coerce
    .number()
    .min(1)
    .max(90 * 86_400)
    .default(5 * 86_400),
};

export interface EventRelayOptions extends DispatchOptions {
  intervalMs: number;
  concurrency: number;
  /** NATS JetStream (NATS_URL set): every event is also published there. */
  bus?: EventBusOptions;
}

export function eventRelayOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): EventRelayOptions {
  const c = loadConfig(eventRelayConfigShape, env);
  return {
    intervalMs: c.EVENTS_RELAY_INTERVAL_MS,
    concurrency: c.WEBHOOK_CONCURRENCY,
    timeoutMs: c.WEBHOOK_TIMEOUT_MS,
    maxAttempts: c.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: c.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: c.WEBHOOK_RETRY_MAX_MS,
    retryWindowMs: c.WEBHOOK_RETRY_WINDOW_HOURS * 3_600_000,
    disableAfterMs: c.WEBHOOK_DISABLE_AFTER_SECONDS * 1_000,
    workerId: `${hostname()}:${process.pid}`,
    bus: eventBusOptionsFromEnv(env),
  };
}

/**
 * The relay of one subgraph's outbox, run by every replica: each tick fans new outbox rows out to
 * deliveries, then claims due deliveries up to `concurrency` in flight. Deliveries run independently, so an
 * endpoint that hangs holds only its own (for the timeout), never the next tick or other endpoints.
 * Returns a stop function that waits for attempts in flight.
 */
export function startEventRelay(sql: Sql, source: string, log: Logger, opts: EventRelayOptions): () => Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  // The lease outlasts the attempt's timeout by 5 s (the settle transaction), so no replica claims it meanwhile.
  const leaseMs = opts.timeoutMs + 5_000;
  let stopped = false;
  let running = false;
  // A freed slot looks for more work at once (a pass already running goes again when it ends) instead of
  // waiting out the interval: against a receiver answering in 100 ms, 2,000 queued deliveries drained at
  // 246/s this way, 214/s refilling at half the slots free (32 slots, this machine).
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const tick = async () => {
    running = true;
    again = false;
    try {
      while (!stopped && (await relayOutbox(sql, source, opts.bus !== undefined)).published > 0);
      if (stopped) return;
      const claimed = await claimDeliveries(sql, source, opts.concurrency - inFlight.size, leaseMs);
      for (const d of claimed) {
        const p = deliver(sql, d, opts)
          .then((outcome) => {
            if (outcome === 'DEAD') log.warn({ deliveryId: d.id, eventId: d.event_id }, 'webhook delivery dead-lettered');
          })
          .catch((err) => log.error({ err, deliveryId: d.id }, 'webhook delivery could not be recorded; its lease will expire'))
          .finally(() => {
            inFlight.delete(p);
            wake();
          });
        inFlight.add(p);
      }
    } catch (err) {
      log.error({ err, source }, 'event relay pass failed; retrying next tick');
    } finally {
      running = false;
      if (!stopped) schedule(again ? 0 : opts.intervalMs);
    }
  };
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      current = tick();
    }, ms);
  };
  const wake = () => {
    if (stopped) return;
    if (running) again = true;
    else schedule(0);
  };
  schedule(0);
  const stopBus = opts.bus ? startBusPublisher(sql, source, log, opts.bus, opts.intervalMs) : async () => {};
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
    await Promise.allSettled([...inFlight, stopBus()]);
  };
}
