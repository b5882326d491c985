import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, redeliver, registerWebhookEndpoint, signatureHeaders, startEventRelay, type EventRelayOptions } from '@storegraph/kit';
import { envelopeSchema } from '@storegraph/schema';
import { sqlClient, system } from '../support/clients.ts';
import { eventually, serveWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The relay and webhook dispatcher on an outbox of this file's own (a schema shaped like every subgraph's
 * outbox, written by the test as a subgraph's transaction would), with relays started here so retries can
 * be fast. Endpoints filter on channels of this file's own, so the system's relays (orders, stock,
 * customers) never deliver to them and these relays never touch the system's deliveries.
 */
const tag = randomBytes(4).toString('hex');
const source = `evt_${tag}`;
let channels = 0;
/** A channel of one test's own: no other test's endpoint or event names it. */
const channel = () => `evt-${tag}-${++channels}`;
const sql = sqlClient();
const quiet = createLogger('events-test', { write() {} });
const fast: EventRelayOptions = {
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

let receiver: Awaited<ReturnType<typeof serveWebhookReceiver>>;
const answers = new Map<string, (n: number) => number | Promise<number>>();
const endpointIds: string[] = [];

async function endpoint(path: string, eventTypes: string[], channels: string[], answer: (n: number) => number | Promise<number> = () => 204) {
  answers.set(path, answer);
  const { endpoint, secret } = await registerWebhookEndpoint(sql, { url: `${receiver.url}${path}`, eventTypes, channels, createdBy: 'test' });
  endpointIds.push(endpoint.id);
  return { id: endpoint.id, secret };
}

/** What a subgraph's transaction writes: one outbox row in the envelope's columns. */
async function emit(type: string, channel: string, aggregateId: string, version: number, data: object, db: postgres.Sql = sql) {
  const eventId = randomUUID();
  await db`insert into ${db(source)}.outbox (event_id, type, channel, aggregate_id, aggregate_version, data)
    values (${eventId}, ${type}, ${channel}, ${aggregateId}, ${version}, ${db.json(data as never)})`;
  return eventId;
}

/** A relay as a subgraph replica runs it, on a pool of its own. */
function relay(opts: Partial<EventRelayOptions> = {}) {
  const pool = postgres(system().databaseUrl, { max: 4, onnotice: () => {} });
  const stop = startEventRelay(pool, source, quiet, { ...fast, ...opts });
  return async () => {
    await stop();
    await pool.end();
  };
}

const placed = (orderId: string, channel: string) => ({
  orderId,
  number: 'EVT-000001',
  channel,
  customerId: null,
  companyId: null,
  total: { amount: 11900, currency: 'EUR' },
  lines: [{ variantId: 'v1', sku: 'SKU-1', quantity: 1 }],
});

beforeAll(async () => {
  receiver = await serveWebhookReceiver((path, n) => answers.get(path)?.(n) ?? 404);
  await sql`create schema ${sql(source)}`;
  await sql`create table ${sql(source)}.outbox (
    id bigserial primary key, event_id uuid not null unique, type text not null, channel text,
    aggregate_id text not null, aggregate_version bigint not null, data jsonb not null,
    occurred_at timestamptz not null default now(), published_at timestamptz)`;
});

afterAll(async () => {
  await sql`delete from webhooks.endpoints where id = any(${endpointIds}::uuid[])`;
  await sql`drop schema ${sql(source)} cascade`;
  await receiver.close();
  await sql.end();
});

describe('webhooks from the outbox', () => {
  it('signs each delivery so the Standard Webhooks library verifies it, and refuses a tampered body or an old timestamp', async () => {
    const chA = channel();
    const { secret } = await endpoint('/signed', ['order.placed'], [chA]);
    const orderId = randomUUID();
    const eventId = await emit('order.placed', chA, orderId, 1, placed(orderId, chA));
    const stop = relay();
    try {
      const [got] = await eventually(
        () => receiver.at('/signed'),
        (r) => r.length === 1,
        'the delivery',
      );
      const wh = new Webhook(secret);
      expect(wh.verify(got!.body, got!.headers)).toEqual({
        id: eventId,
        type: 'order.placed',
        timestamp: expect.any(String),
        source,
        channels: [chA],
        aggregateId: orderId,
        aggregateVersion: 1,
        data: placed(orderId, chA),
      });
      expect(got!.headers['webhook-id']).toBe(eventId);
      // The body is the catalogue's envelope of its type.
      const validate = new Ajv2020({ validateFormats: false }).compile({
        ...envelopeSchema('order.placed'),
        properties: { ...(envelopeSchema('order.placed').properties as object), source: { const: source } },
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

  it('a receiver that fails three times and then recovers gets the event, always with the same webhook-id', async () => {
    const chA = channel();
    const e = await endpoint('/flaky', ['order.placed'], [chA], (n) => (n <= 3 ? 503 : 204));
    const orderId = randomUUID();
    const eventId = await emit('order.placed', chA, orderId, 1, placed(orderId, chA));
    const stop = relay();
    try {
      await eventually(
        async () => (await sql`select status from webhooks.deliveries where endpoint_id = ${e.id}`)[0]?.status,
        (s) => s === 'DELIVERED',
        'delivered',
      );
    } finally {
      await stop();
    }
    expect(receiver.at('/flaky').map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId, eventId, eventId]);
    const log = await sql`select a.http_status from webhooks.attempts a join webhooks.deliveries d on d.id = a.delivery_id
      where d.endpoint_id = ${e.id} order by a.claim`;
    expect(log.map((a) => a.http_status)).toEqual([503, 503, 503, 204]);
  });

  it('dead-letters after the last attempt, and staff redelivery sends the same event again', async () => {
    const chA = channel();
    let up = false;
    const e = await endpoint('/down', ['order.cancelled'], [chA], () => (up ? 200 : 500));
    const orderId = randomUUID();
    const eventId = await emit('order.cancelled', chA, orderId, 2, { orderId, number: 'EVT-1', channel: chA, reason: 'test', from: 'PLACED' });
    const stop = relay({ maxAttempts: 3 });
    try {
      const [dead] = await eventually(
        () => sql`select id, status, attempts from webhooks.deliveries where endpoint_id = ${e.id}`,
        (rows) => rows[0]?.status === 'DEAD',
        'dead-lettered',
      );
      expect(dead!.attempts).toBe(3);
      expect(receiver.at('/down').length).toBe(3);
      up = true;
      expect(await redeliver(sql, Number(dead!.id))).toBe(true);
      await eventually(
        async () => (await sql`select status from webhooks.deliveries where id = ${dead!.id}`)[0]?.status,
        (s) => s === 'DELIVERED',
        'redelivered',
      );
    } finally {
      await stop();
    }
    expect(receiver.at('/down').map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId, eventId, eventId]);
  });

  it('never sends a rolled-back event, and sends a channel only its own events of the types asked for', async () => {
    const chA = channel();
    const chB = channel();
    await endpoint('/only-a', ['order.placed'], [chA]);
    await endpoint('/only-b', ['order.placed', 'order.cancelled'], [chB]);
    const a = randomUUID();
    const b = randomUUID();
    const rolledBack = randomUUID();
    await sql
      .begin(async (tx) => {
        await emit('order.placed', chA, rolledBack, 1, placed(rolledBack, chA), tx as unknown as postgres.Sql);
        throw new Error('roll back');
      })
      .catch(() => {});
    const aPlaced = await emit('order.placed', chA, a, 1, placed(a, chA));
    await emit('order.cancelled', chA, a, 2, { orderId: a, number: 'EVT-1', channel: chA, reason: 'test', from: 'PLACED' });
    const bPlaced = await emit('order.placed', chB, b, 1, placed(b, chB));
    const bCancelled = await emit('order.cancelled', chB, b, 2, { orderId: b, number: 'EVT-2', channel: chB, reason: 'test', from: 'PLACED' });
    const stop = relay();
    try {
      await eventually(
        () => receiver.at('/only-b').length + receiver.at('/only-a').length,
        (n) => n >= 3,
        'three deliveries',
      );
      // Everything of this source is published and handed out before we look at what did not arrive.
      await eventually(
        async () =>
          (
            await sql`select count(*)::int as n from webhooks.deliveries d join webhooks.endpoints p on p.id = d.endpoint_id
            where d.source = ${source} and d.status <> 'DELIVERED' and p.url like ${`${receiver.url}/only-%`}`
          )[0]!.n,
        (n) => n === 0,
        'all delivered',
      );
      expect(await sql`select count(*)::int as n from ${sql(source)}.outbox where published_at is null`).toEqual([{ n: 0 }]);
    } finally {
      await stop();
    }
    expect(receiver.at('/only-a').map((r) => r.envelope.id)).toEqual([aPlaced]);
    expect(receiver.at('/only-b').map((r) => r.envelope.id)).toEqual([bPlaced, bCancelled]);
    expect(receiver.received.some((r) => r.envelope.aggregateId === rolledBack)).toBe(false);
  });

  it('one endpoint that hangs does not hold up another', async () => {
    const chB = channel();
    let release!: () => void;
    const released = new Promise<number>((r) => {
      release = () => r(503);
    });
    await endpoint('/hangs', ['order.status_changed'], [chB], () => released);
    await endpoint('/fast', ['order.status_changed'], [chB]);
    const orders = [randomUUID(), randomUUID(), randomUUID()];
    for (const o of orders) await emit('order.status_changed', chB, o, 2, { orderId: o, number: 'EVT-3', from: 'PLACED', to: 'PROCESSING' });
    // The hanging one is given far longer than the test needs; it is released at the end.
    const stop = relay({ timeoutMs: 60_000 });
    try {
      await eventually(
        () => receiver.at('/fast').length,
        (n) => n === 3,
        'the fast endpoint served',
      );
      // Every event reached the hanging endpoint too, and none of those requests has been answered.
      expect(receiver.at('/hangs').length).toBe(3);
      expect(
        await sql`select count(*)::int as n from webhooks.attempts a join webhooks.deliveries d on d.id = a.delivery_id
        join webhooks.endpoints p on p.id = d.endpoint_id where p.url = ${`${receiver.url}/hangs`}`,
      ).toEqual([{ n: 0 }]);
    } finally {
      release();
      await stop();
    }
  });

  it('a relay killed (SIGKILL) while a receiver holds its request leaves the delivery to another, with the same webhook-id', async () => {
    const chA = channel();
    let hold!: (status: number) => void;
    const held = new Promise<number>((r) => {
      hold = r;
    });
    const e = await endpoint('/crash', ['order.placed'], [chA], (n) => (n === 1 ? held : 204));
    const orderId = randomUUID();
    const eventId = await emit('order.placed', chA, orderId, 1, placed(orderId, chA));
    // Its lease is the 1 s timeout plus 5 s: the survivor may take the delivery over 6 s after the claim.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/relay-process.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: system().databaseUrl,
        RELAY_SOURCE: source,
        RELAY_WORKER: 'killed',
        WEBHOOK_TIMEOUT_MS: '1000',
        EVENTS_RELAY_INTERVAL_MS: '20',
      },
      stdio: 'ignore',
    });
    let stop: (() => Promise<void>) | undefined;
    try {
      await eventually(
        () => receiver.at('/crash').length,
        (n) => n === 1,
        'the doomed attempt',
      );
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      hold(204);
      stop = relay({ workerId: 'survivor' });
      await eventually(
        async () => (await sql`select status from webhooks.deliveries where endpoint_id = ${e.id}`)[0]?.status,
        (s) => s === 'DELIVERED',
        'delivered by the survivor',
      );
    } finally {
      child.kill('SIGKILL');
      await stop?.();
    }
    expect(receiver.at('/crash').map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
    // The killed relay never recorded its attempt; the survivor's is the second claim.
    const log = await sql`select a.claim, a.worker, a.http_status from webhooks.attempts a join webhooks.deliveries d on d.id = a.delivery_id
      where d.endpoint_id = ${e.id}`;
    expect(log).toEqual([{ claim: 2, worker: 'survivor', http_status: 204 }]);
  });

  it('two relays racing deliver every event exactly once, each aggregate in order', async () => {
    const chA = channel();
    await endpoint('/race', ['stock.changed'], [chA], async () => {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      return 204;
    });
    const aggregates = Array.from({ length: 10 }, (_, i) => `variant-${tag}-${i}`);
    // 10 variants x 20 movements, interleaved as a busy ledger writes them.
    for (let v = 1; v <= 20; v++)
      for (const agg of aggregates)
        await emit('stock.changed', chA, agg, v, { movementId: v, kind: 'RECEIPT', variantId: agg, deltaOnHand: 1, deltaReserved: 0 });
    const stops = [relay({ workerId: 'relay-1', concurrency: 8 }), relay({ workerId: 'relay-2', concurrency: 8 })];
    try {
      await eventually(
        () => receiver.at('/race').length,
        (n) => n >= 200,
        '200 deliveries',
        60_000,
      );
      await eventually(
        async () =>
          (
            await sql`select count(*)::int as n from webhooks.deliveries d join webhooks.endpoints p on p.id = d.endpoint_id
            where p.url = ${`${receiver.url}/race`} and d.status = 'DELIVERED'`
          )[0]!.n,
        (n) => n === 200,
        'all recorded',
      );
    } finally {
      await Promise.all(stops.map((s) => s()));
    }
    const got = receiver.at('/race');
    expect(got.length).toBe(200);
    expect(new Set(got.map((r) => r.envelope.id)).size).toBe(200);
    for (const agg of aggregates)
      expect(got.filter((r) => r.envelope.aggregateId === agg).map((r) => r.envelope.aggregateVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // They raced: both relays delivered, and deliveries overlapped at the receiver.
    const workers = await sql`select a.worker, count(*)::int as n from webhooks.attempts a join webhooks.deliveries d on d.id = a.delivery_id
      join webhooks.endpoints p on p.id = d.endpoint_id where p.url = ${`${receiver.url}/race`} group by a.worker order by a.worker`;
    expect(workers.map((w) => w.worker)).toEqual(['relay-1', 'relay-2']);
    expect(workers.reduce((s, w) => s + w.n, 0)).toBe(200);
    expect(receiver.maxInFlight()).toBeGreaterThan(1);
  });
});
