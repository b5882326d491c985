import postgres from 'postgres';
import { createLogger, openJobQueue } from '@storegraph/kit';
import type { ScenarioResult } from './report.ts';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

function result(name: string, rps: number, lags: number[], errors: number): ScenarioResult {
  const sorted = [...lags].sort((a, b) => a - b);
  return { name, target: 'job queue', baseline: false, rps, p50: pct(sorted, 50), p99: pct(sorted, 99), errors, probeError: null, sqlStatements: {}, cpu: {} };
}

/**
 * The job queue alone (packages/kit/src/job-queue.ts: pg-boss on a postgres.js pool of 5, as a subgraph
 * runs it, with the production poll of 2 s), in a `bench_jobs` schema of the bench database:
 * - a backlog: `backlog` jobs enqueued 8 at a time while one worker takes them: jobs per second from the first
 *   enqueue to the last start, and each job's enqueue-to-start latency (queueing behind the backlog included);
 * - a trickle: one job every 100 ms for `duration` s to a worker that is mostly idle: the enqueue-to-start
 *   latency a lone job sees (a worker that found nothing waits out its poll; its own enqueue does not wake it).
 */
export async function runQueueScenarios(env: { databaseUrl: string; duration: number; backlog?: number }): Promise<ScenarioResult[]> {
  const sql = postgres(env.databaseUrl, { max: 5, onnotice: () => {} });
  const log = createLogger('bench-queue', { write() {} });
  const queue = await openJobQueue({ sql, schema: 'bench_jobs', log, work: true, maintenanceSeconds: 30, pollSeconds: 2 });
  const backlog = env.backlog ?? 2_000;
  try {
    const started: { at: number; enqueuedAt: number }[] = [];
    await queue.durable<{ at: number }>('bench-backlog', { expireInSeconds: 60, retryLimit: 0, retryDelaySeconds: 1 }, async (data) => {
      started.push({ at: Date.now(), enqueuedAt: data.at });
    });
    const t0 = Date.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < backlog) {
          sent++;
          await queue.enqueue('bench-backlog', { at: Date.now() });
        }
      }),
    );
    const enqueueSeconds = (Date.now() - t0) / 1000;
    const until = Date.now() + 120_000;
    while (started.length < backlog && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const span = ((started.at(-1)?.at ?? Date.now()) - t0) / 1000;
    console.log(
      `[bench] queue: ${backlog} jobs enqueued in ${enqueueSeconds.toFixed(1)} s (${(backlog / enqueueSeconds).toFixed(0)}/s), ${started.length} started in ${span.toFixed(1)} s`,
    );
    const results = [
      result(
        `job queue backlog (${backlog} jobs, 8 enqueuing, 1 worker; rps = jobs started/s; p50/p99 = enqueue-to-start)`,
        started.length / span,
        started.map((s) => s.at - s.enqueuedAt),
        backlog - started.length,
      ),
    ];

    const lone: number[] = [];
    await queue.durable<{ at: number }>('bench-trickle', { expireInSeconds: 60, retryLimit: 0, retryDelaySeconds: 1 }, async (data) => {
      lone.push(Date.now() - data.at);
    });
    let trickled = 0;
    const stopAt = Date.now() + env.duration * 1000;
    while (Date.now() < stopAt) {
      await queue.enqueue('bench-trickle', { at: Date.now() });
      trickled++;
      await new Promise((r) => setTimeout(r, 100));
    }
    const drain = Date.now() + 10_000;
    while (lone.length < trickled && Date.now() < drain) await new Promise((r) => setTimeout(r, 20));
    results.push(
      result(
        `job queue trickle (1 job / 100 ms for ${env.duration} s, poll 2 s; p50/p99 = enqueue-to-start)`,
        lone.length / env.duration,
        lone,
        trickled - lone.length,
      ),
    );
    return results;
  } finally {
    await queue.stop();
    await sql.end();
  }
}
