import PgBoss from 'pg-boss';
import type { Sql } from 'postgres';
import type { Logger } from '@storegraph/server-kit';

/**
 * The one job queue of a subgraph: pg-boss 10 (the last line that runs on Node 20; 11+ needs Node 22) with its
 * tables in the subgraph's own `<pgSchema>_jobs` schema, over the subgraph's postgres.js pool (no second pool:
 * a test run's seven processes already hold ~40 connections). Two kinds of work go through it:
 * - durable jobs (`durable` + `enqueue`): a row per job, taken by one worker (FOR UPDATE SKIP LOCKED), and
 *   retried on any replica when its worker died (an active job past `expireInSeconds` is failed back to retry
 *   by whichever replica holds the queue's maintenance slot);
 * - periodic jobs (`every`): each replica asks every interval, the queue keeps one job per interval slot
 *   (pg-boss `singletonSeconds`, whole seconds), so the work runs once across replicas, not once per replica.
 */

export interface JobQueueOptions {
  sql: Sql;
  /** The PostgreSQL schema of the queue's tables: `<pgSchema>_jobs`. */
  schema: string;
  log: Logger;
  /** Run workers and maintenance here (STOREGRAPH_RUN_BACKGROUND); without, the process only enqueues. */
  work: boolean;
  /** How often a replica checks for expired jobs (the maintenance slot is taken by one replica at a time). */
  maintenanceSeconds: number;
  /** How often an idle worker looks for jobs another replica enqueued (its own are taken at once). */
  pollSeconds: number;
}

export interface DurableJobOptions {
  /** A job active this long is taken as dead and retried elsewhere: longer than the slowest honest run. */
  expireInSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
}

/** Something that runs SQL in the caller's transaction, so a job is enqueued with the row that needs it. */
export type JobTransaction = Pick<Sql, 'unsafe'>;

export interface JobQueue {
  /** Whether this process runs workers (STOREGRAPH_RUN_BACKGROUND); loops outside the queue follow it too. */
  readonly working: boolean;
  durable<T extends object>(name: string, opts: DurableJobOptions, handler: (data: T, jobId: string) => Promise<void>): Promise<void>;
  /** Enqueues a durable job; with `tx`, in that transaction (it exists only if the transaction commits). */
  enqueue<T extends object>(name: string, data: T, opts?: { tx?: JobTransaction; singletonKey?: string }): Promise<string | null>;
  /** Runs `handler` once per `intervalMs` across every replica that declares the same job. */
  every(name: string, intervalMs: number, handler: () => Promise<void>, opts?: { runAtStart?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
/** Job data read through a drizzle-wrapped pool arrives as JSON text (see executorOf). */
const jsonOf = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

const LOCKED = /^\s*BEGIN;([\s\S]*)COMMIT;\s*$/;

function executorOf(sql: JobTransaction | Sql): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      // pg-boss wraps its maintenance in `BEGIN; ...; COMMIT;` in one string; postgres.js refuses a BEGIN on a
      // pooled connection, so the body runs in a postgres.js transaction instead (same statements, one connection).
      const locked = 'begin' in sql ? LOCKED.exec(text) : null;
      if (locked) return { rows: [...(await (sql as Sql).begin((tx) => tx.unsafe(locked[1]!)))] };
      // Without parameters postgres.js uses the simple protocol (several statements allowed); with, the extended.
      // As pg would: undefined is NULL, a plain object is JSON (drizzle turns postgres.js's own json
      // serializer off on the pools it wraps); arrays stay arrays (uuid[] ids).
      const params = (values ?? []).map((v) => (v === undefined ? null : isPlainObject(v) ? JSON.stringify(v) : v)) as never[];
      return { rows: [...(await sql.unsafe(text, params))] };
    },
  };
}

/**
 * Creates the queue if missing, one replica at a time: pg-boss's create_queue also creates the queue's
 * partition table, and two replicas starting together deadlocked on it (40P01, seen in jobs-queue.test.ts).
 */
async function ensureQueue(boss: PgBoss, sql: Sql, schema: string, name: string, options: PgBoss.Queue): Promise<void> {
  const { name: _, ...settings } = options;
  await sql.begin(async (tx) => {
    await tx.unsafe('select pg_advisory_xact_lock(hashtext($1))', [`storegraph:jobs:${schema}`]);
    const found = await tx.unsafe(`select 1 from ${schema}.queue where name = $1`, [name]);
    // The option names are create_queue's (pg-boss plans.js); text then json, whatever the pool's json serializer.
    if (found.length === 0) await tx.unsafe(`select ${schema}.create_queue($1, $2::text::json)`, [name, JSON.stringify(settings)]);
  });
  await boss.updateQueue(name, options);
}

/**
 * Finished jobs move to the archive after 6 h and leave it after a day: orders' two 1 s periodic jobs alone
 * finish ~170,000 a day, which pg-boss's defaults (12 h, then 7 days) would keep as ~1.2 million rows.
 */
const ARCHIVE_SECONDS = 6 * 3600;

export async function openJobQueue(opts: JobQueueOptions): Promise<JobQueue> {
  const { log } = opts;
  const boss = new PgBoss({
    db: executorOf(opts.sql),
    schema: opts.schema,
    migrate: true,
    supervise: opts.work,
    // Cron is minute-grained; periodic work here is interval-based (`every`), so the clock monitor is not needed.
    schedule: false,
    maintenanceIntervalSeconds: opts.maintenanceSeconds,
    archiveCompletedAfterSeconds: ARCHIVE_SECONDS,
    deleteAfterDays: 1,
  });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  // Handlers running here: stop() waits for them before the subgraph closes its pool. pg-boss's own wait can
  // miss a job its worker fetched while stopping began.
  const running = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    running.add(p);
    return p.finally(() => running.delete(p));
  };

  const localWorkers = new Map<string, string>();
  const queue: JobQueue = {
    working: opts.work,
    async durable(name, o, handler) {
      await ensureQueue(boss, opts.sql, opts.schema, name, {
        name,
        policy: 'standard',
        retryLimit: o.retryLimit,
        retryDelay: o.retryDelaySeconds,
        expireInSeconds: o.expireInSeconds,
      });
      if (!opts.work) return;
      const workerId = await boss.work<object>(name, { batchSize: 1, pollingIntervalSeconds: opts.pollSeconds }, async ([job]) => {
        // Fetched while stopping: not run here; failed back to the queue, so another process (or this one's next
        // start) runs it.
        if (stopped) throw new Error('the process is stopping');
        // pg-boss 10 waits out the poll after every fetch, even one that found a job: one job per 2 s per
        // process (pnpm bench: 62 of a 2,000-job backlog in 124 s). A job found means there may be more: fetch
        // again at once.
        boss.notifyWorker(workerId);
        try {
          await track(handler(jsonOf(job!.data), job!.id));
        } catch (err) {
          log.error({ err, job: name, jobId: job!.id }, 'job failed');
          throw err;
        }
      });
      localWorkers.set(name, workerId);
    },
    async enqueue(name, data, o = {}) {
      const id = await boss.send(name, data, { ...(o.tx ? { db: executorOf(o.tx) } : {}), ...(o.singletonKey ? { singletonKey: o.singletonKey } : {}) });
      // Our own worker takes it at once (no poll wait); in a caller's transaction it may find nothing yet, and
      // then polls as usual. Other replicas' workers find it at their next poll.
      const local = localWorkers.get(name);
      if (id && local && !stopped) boss.notifyWorker(local);
      return id;
    },
    async every(name, intervalMs, handler, o = {}) {
      // Nobody retries a periodic run (the next slot runs anyway); one that died is failed after 10 intervals.
      // A slot's job must outlive its slot in the job table (the archive holds no uniqueness): at most 3 h.
      const slot = Math.min(ARCHIVE_SECONDS / 2, Math.max(1, Math.round(intervalMs / 1000)));
      await ensureQueue(boss, opts.sql, opts.schema, name, {
        name,
        policy: 'standard',
        retryLimit: 0,
        expireInSeconds: Math.min(12 * 3600, Math.max(60, slot * 10)),
        // A slot nobody took in time is dropped, not run late in a backlog.
        retentionMinutes: Math.max(1, Math.ceil((slot * 3) / 60)),
      } as PgBoss.Queue);
      if (!opts.work) return;
      const workerId = await boss.work(name, { batchSize: 1, pollingIntervalSeconds: opts.pollSeconds }, async () => {
        if (stopped) return;
        try {
          await track(handler());
        } catch (err) {
          log.error({ err, job: name }, 'periodic job failed');
          throw err;
        }
      });
      const ask = () => {
        if (stopped) return;
        boss
          .send(name, {}, { singletonKey: name, singletonSeconds: slot })
          // Our own slot is worked here at once; another replica's waits for our next poll (pollSeconds).
          .then((id) => id && boss.notifyWorker(workerId))
          .catch((err) => log.warn({ err, job: name }, 'could not schedule periodic job'));
      };
      if (o.runAtStart) ask();
      const timer = setInterval(ask, intervalMs);
      timer.unref();
      timers.push(timer);
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      // Waits for running jobs (up to 30 s) so their outcome is recorded; the pool is the subgraph's to close.
      await boss.stop({ graceful: true, wait: true, close: false, timeout: 30_000 });
      await Promise.allSettled([...running]);
    },
  };
  return queue;
}
