import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, openDatabase, openJobQueue, type JobQueue } from '@storegraph/kit';
import { system } from '../support/clients.ts';

/**
 * The kit's job queue as two replicas of one subgraph use it: two queues on one database and schema, each
 * with its own pool, as two processes would have. Queue tables live in a schema of this file's own.
 */

const schema = `jobs_test_${process.pid}`;
const log = createLogger('jobs-queue-test');
const dbs = [0, 1].map(() => openDatabase({ url: system().databaseUrl, schema: {}, poolSize: 3, applicationName: 'jobs-queue-test' }));
let replicas: JobQueue[] = [];

beforeAll(async () => {
  // One after the other: the first creates the schema, the second finds it (as a rollout would).
  for (const db of dbs) replicas.push(await openJobQueue({ sql: db.sql, schema, log, work: true, maintenanceSeconds: 1, pollSeconds: 0.5 }));
});

afterAll(async () => {
  for (const q of replicas) await q.stop();
  replicas = [];
  await dbs[0]!.sql.unsafe(`drop schema if exists ${schema} cascade`);
  for (const db of dbs) await db.close();
});

describe('the job queue', () => {
  it('runs a periodic job once per slot across two replicas that both ask every 200 ms', async () => {
    const runs: { replica: number; second: number }[] = [];
    await Promise.all(
      replicas.map((q, replica) =>
        q.every('test.tick', 200, async () => {
          runs.push({ replica, second: Math.floor(Date.now() / 1000) });
        }),
      ),
    );
    // 200 ms rounds up to the queue's 1 s slot: 2 replicas × 5 asks a second, one run a second.
    await sleep(6_000);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // At most one run per slot; a run can land just past its slot's second when its worker polled late,
    // so two runs may share a wall-clock second only if they are different slots: never more than 6 in 6 s + 1.
    expect(runs.length).toBeLessThanOrEqual(7);
    const slots = await dbs[0]!.sql.unsafe(`select singleton_on::text as slot, count(*)::int as n from ${schema}.job where name = 'test.tick' group by 1`);
    expect(slots.length).toBeGreaterThanOrEqual(runs.length);
    for (const s of slots) expect(s.n, s.slot).toBe(1);
  });

  it('runs a durable job once, and never one enqueued in a transaction that rolled back', async () => {
    const seen: { n: number; by: number }[] = [];
    await Promise.all(
      replicas.map((q, by) =>
        q.durable<{ n: number }>('test.durable', { expireInSeconds: 30, retryLimit: 0, retryDelaySeconds: 1 }, async (d) => void seen.push({ n: d.n, by })),
      ),
    );
    await dbs[0]!.sql.begin(async (tx) => {
      await replicas[0]!.enqueue('test.durable', { n: 1 }, { tx });
    });
    await dbs[0]!.sql
      .begin(async (tx) => {
        await replicas[0]!.enqueue('test.durable', { n: 2 }, { tx });
        throw new Error('roll back');
      })
      .catch(() => {});
    await replicas[1]!.enqueue('test.durable', { n: 3 });
    for (let i = 0; i < 100 && seen.length < 2; i++) await sleep(100);
    // Two polls (0.5 s each) more, for a duplicate or the rolled-back job to show up if either could.
    await sleep(1_500);
    expect(seen.map((s) => s.n).sort()).toEqual([1, 3]);
  });
});
