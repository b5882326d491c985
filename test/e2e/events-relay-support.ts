import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { createLogger, registerWebhookEndpoint, startEventRelay, type EventRelayOptions } from '@storegraph/kit';
import { sqlClient, system } from '../support/clients.ts';
import { serveWebhookReceiver } from '../support/webhook-receiver.ts';
import { deleteEndpoints } from './events-support.ts';

type Answer = (n: number) => number | Promise<number>;

/** Fast retries, so a test of failures takes seconds; each test overrides what it is about. */
export const FAST: EventRelayOptions = {
  intervalMs: 20,
  concurrency: 16,
  timeoutMs: 2_000,
  maxAttempts: 5,
  retryBaseMs: 20,
  retryMaxMs: 200,
  retryWindowMs: 3_600_000,
  disableAfterMs: 3_600_000,
  workerId: 'relay-1',
};

/**
 * The relay and webhook dispatcher on an outbox of the calling file's own (a schema shaped like every
 * subgraph's outbox, written by the test as a subgraph's transaction would), with relays started by the
 * test so retries can be fast. Endpoints filter on channels of the file's own, so the system's relays never
 * deliver to them and these relays never touch the system's deliveries. Registers its hooks: call it at
 * the top of a file.
 */
export function ownOutbox() {
  const tag = randomBytes(4).toString('hex');
  const source = `evt_${tag}`;
  const sql = sqlClient();
  const quiet = createLogger('events-test', { write() {} });
  const answers = new Map<string, Answer>();
  const endpointIds: string[] = [];
  let receiver!: Awaited<ReturnType<typeof serveWebhookReceiver>>;
  let channels = 0;

  beforeAll(async () => {
    receiver = await serveWebhookReceiver((path, n) => answers.get(path)?.(n) ?? 404);
    await sql`create schema ${sql(source)}`;
    await sql`create table ${sql(source)}.outbox (
      id bigserial primary key, event_id uuid not null unique, type text not null, channel text,
      aggregate_id text not null, aggregate_version bigint not null, data jsonb not null,
      occurred_at timestamptz not null default now(), published_at timestamptz)`;
  });

  afterAll(async () => {
    await deleteEndpoints(sql, endpointIds);
    await sql`drop schema ${sql(source)} cascade`;
    await receiver.close();
    await sql.end();
  });

  return {
    tag,
    source,
    sql,
    receiver: () => receiver,
    /** A channel of one test's own: no other test's endpoint or event names it. */
    channel: () => `evt-${tag}-${++channels}`,
    /** Registers an endpoint at `path` of the receiver, answering with `answer` (204 by default). */
    async endpoint(path: string, eventTypes: string[], channels: string[], answer: Answer = () => 204) {
      answers.set(path, answer);
      const { endpoint, secret } = await registerWebhookEndpoint(sql, { url: `${receiver.url}${path}`, eventTypes, channels, createdBy: 'test' });
      endpointIds.push(endpoint.id);
      return { id: endpoint.id, secret };
    },
    /** Changes what an endpoint answers from now on. */
    answer(path: string, answer: Answer) {
      answers.set(path, answer);
    },
    /** What a subgraph's transaction writes: one outbox row in the envelope's columns. */
    async emit(type: string, channel: string, aggregateId: string, version: number, data: object, db: postgres.Sql = sql) {
      const eventId = randomUUID();
      await db`insert into ${db(source)}.outbox (event_id, type, channel, aggregate_id, aggregate_version, data)
        values (${eventId}, ${type}, ${channel}, ${aggregateId}, ${version}, ${db.json(data as never)})`;
      return eventId;
    },
    /** A relay as a subgraph replica runs it, on a pool of its own; returns its stop function. */
    relay(opts: Partial<EventRelayOptions> = {}) {
      const pool = postgres(system().databaseUrl, { max: 4, onnotice: () => {} });
      const stop = startEventRelay(pool, source, quiet, { ...FAST, ...opts });
      return async () => {
        await stop();
        await pool.end();
      };
    },
  };
}

/** An order.placed event's data, as the orders subgraph writes it. */
export const placed = (orderId: string, channel: string) => ({
  orderId,
  number: 'EVT-000001',
  channel,
  customerId: null,
  companyId: null,
  total: { amount: 11900, currency: 'EUR' },
  lines: [{ variantId: 'v1', sku: 'SKU-1', quantity: 1 }],
});
