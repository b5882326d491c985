import type { Sql } from 'postgres';
import { connect, headers, nanos, RetentionPolicy, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import { z } from 'zod';
import { loadConfig, type Logger } from '@storegraph/server-kit';

export const eventBusConfigShape = {
  /** Unset: no event bus (webhooks only). Set on every replica of a subgraph, or none. */
  NATS_URL: z.string().optional(),
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('STOREGRAPH_EVENTS'),
  /** Subjects are `<prefix>.<type>.<channel>`; a test run or a second deployment on one NATS takes its own. */
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
    .default('storegraph'),
  /** JetStream drops a second message with the same Nats-Msg-Id within this window (NATS's default, 2 min). */
  NATS_DUPLICATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
  NATS_STREAM_MAX_AGE_HOURS: z.coerce.number().min(0).max(8_760).default(168),
  NATS_STREAM_STORAGE: z.enum(['file', 'memory']).default('file'),
};

export interface EventBusOptions {
  url: string;
  stream: string;
  subjectPrefix: string;
  duplicateWindowMs: number;
  maxAgeMs: number;
  storage: 'file' | 'memory';
}

export function eventBusOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): EventBusOptions | undefined {
  const c = loadConfig(eventBusConfigShape, env);
  if (!c.NATS_URL) return undefined;
  return {
    url: c.NATS_URL,
    stream: c.NATS_STREAM,
    subjectPrefix: c.NATS_SUBJECT_PREFIX,
    duplicateWindowMs: c.NATS_DUPLICATE_WINDOW_SECONDS * 1_000,
    maxAgeMs: c.NATS_STREAM_MAX_AGE_HOURS * 3_600_000,
    storage: c.NATS_STREAM_STORAGE,
  };
}

/** Channel codes are kebab-case, so `_` never names a real channel: it stands for "no channel" (a BASE price book). */
export const NO_CHANNEL = '_';

/** One subject per channel the event concerns: a consumer subscribes to `<prefix>.stock.changed.web-eu`. */
export function busSubjects(prefix: string, envelope: { type: string; channels: string[] }): string[] {
  const channels = envelope.channels.length > 0 ? envelope.channels : [NO_CHANNEL];
  return channels.map((c) => `${prefix}.${envelope.type}.${c}`);
}

/** Creates the stream, or brings an existing one's subjects and windows to this configuration. */
async function ensureStream(nc: NatsConnection, opts: EventBusOptions): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const config = {
    subjects: [`${opts.subjectPrefix}.>`],
    duplicate_window: nanos(opts.duplicateWindowMs),
    max_age: nanos(opts.maxAgeMs),
  };
  try {
    await jsm.streams.info(opts.stream);
    await jsm.streams.update(opts.stream, config);
  } catch (err) {
    if ((err as { code?: string }).code !== '404') throw err;
    await jsm.streams
      .add({
        name: opts.stream,
        ...config,
        retention: RetentionPolicy.Limits,
        storage: opts.storage === 'memory' ? StorageType.Memory : StorageType.File,
      })
      // Another subgraph created it meanwhile (one stream for every subgraph): same name, same subjects.
      .catch(async (addErr) => {
        if (!(await jsm.streams.info(opts.stream).catch(() => undefined))) throw addErr;
      });
  }
}

/** Rows one pass publishes; each is awaited (JetStream's ack), in order. */
const BATCH = 200;

/**
 * Publishes a source's queued bus events to JetStream, oldest first, one pass per source at a time (an
 * advisory lock, as the fan-out), each awaited before the next: the first that fails ends the pass, so a
 * later event of an aggregate never overtakes an earlier one. Rows are deleted only after JetStream's ack,
 * so a crash in between publishes them again; `Nats-Msg-Id` (`<event id>:<channel>`) makes the stream drop
 * that copy within its duplicate window.
 */
export async function publishBusEvents(sql: Sql, js: JetStreamClient, source: string, subjectPrefix: string): Promise<number> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ held: boolean }[]>`select pg_try_advisory_xact_lock(hashtext(${`storegraph:bus:${source}`})) as held`;
    if (!lock?.held) return 0;
    // Text, not jsonb: drizzle's pool has no json parser, and the body is sent as it was stored.
    const rows = await tx<{ seq: string; envelope: string }[]>`
      select seq::text, envelope::text as envelope from webhooks.bus_events where source = ${source} order by seq limit ${BATCH}`;
    const done: string[] = [];
    try {
      for (const row of rows) {
        const envelope = JSON.parse(row.envelope) as { id: string; type: string; channels: string[] };
        for (const subject of busSubjects(subjectPrefix, envelope)) {
          const h = headers();
          h.set('Nats-Msg-Id', `${envelope.id}:${subject.slice(subject.lastIndexOf('.') + 1)}`);
          await js.publish(subject, new TextEncoder().encode(row.envelope), { headers: h, timeout: 5_000 });
        }
        done.push(row.seq);
      }
    } finally {
      if (done.length > 0) await tx`delete from webhooks.bus_events where source = ${source} and seq = any(${done}::bigint[])`;
    }
    return done.length;
  });
}

/**
 * The bus side of a relay: connects in the background (retrying for ever), ensures the stream, then
 * publishes queued events whenever woken or every `intervalMs`. It has a loop of its own, so NATS being
 * down or slow never holds a webhook delivery; its events wait in `webhooks.bus_events` and go out, in
 * order, once NATS answers again. Returns a stop function.
 */
export function startBusPublisher(sql: Sql, source: string, log: Logger, opts: EventBusOptions, intervalMs: number) {
  let stopped = false;
  let nc: NatsConnection | undefined;
  let js: JetStreamClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let failing = false;
  // While the client is reconnecting a publish would only wait out its 5 s timeout holding a connection of the pool.
  let connected = false;
  const watch = async (conn: NatsConnection) => {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') connected = false;
      if (s.type === 'reconnect') connected = true;
    }
  };
  const ready = (async () => {
    while (!stopped) {
      try {
        const conn = await connect({ servers: opts.url, maxReconnectAttempts: -1, reconnectTimeWait: 1_000, name: `storegraph-${source}` });
        if (stopped) {
          await conn.close();
          return;
        }
        try {
          await ensureStream(conn, opts);
        } catch (err) {
          await conn.close();
          throw err;
        }
        nc = conn;
        js = conn.jetstream();
        connected = true;
        void watch(conn);
        return;
      } catch (err) {
        log.warn({ err: String(err), source }, 'event bus: NATS not reachable yet; events wait in webhooks.bus_events');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();
  const pass = async () => {
    if (!js || !connected) return;
    try {
      while (!stopped && (await publishBusEvents(sql, js, source, opts.subjectPrefix)) > 0);
      if (failing) log.info({ source }, 'event bus: publishing again');
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ err: String(err), source }, 'event bus: publish failed; retrying (events kept)');
      failing = true;
    }
  };
  const schedule = () => {
    timer = setTimeout(
      () => {
        current = pass().finally(() => {
          if (!stopped) schedule();
        });
      },
      // After a failure, once a second: a NATS outage costs one timed-out publish a second, not one per tick.
      failing ? Math.max(intervalMs, 1_000) : intervalMs,
    );
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
    // A connect attempt in progress gives up at its next turn; one that succeeded is closed here.
    await Promise.race([ready, new Promise((r) => setTimeout(r, 100))]);
    await nc?.drain().catch(() => nc?.close());
  };
}
