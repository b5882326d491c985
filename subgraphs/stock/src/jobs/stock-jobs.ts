import { sql } from 'drizzle-orm';
import { createLogger } from '@storegraph/kit';
import type { StockDb } from '../context.ts';
import { expireOverdueReservations } from '../services/expiry.service.ts';
import { rebalanceFences } from '../services/rebalance.service.ts';

export interface StockJobsConfig {
  sweepIntervalMs: number;
  rebalanceIntervalMs: number;
  rebalanceWindowHours: number;
}

/**
 * Background jobs of every stock replica: the reservation sweeper (safe on all replicas at once, see
 * expiry.service.ts) and the DYNAMIC fence rebalance (one replica per tick via a transaction-scoped
 * advisory lock; running it twice would only repeat a deterministic result). Returns the stop function.
 */
export function startStockJobs(database: StockDb, config: StockJobsConfig): () => Promise<void> {
  const log = createLogger('stock-jobs');
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const guard = (name: string, job: () => Promise<unknown>) => () => {
    if (stopped) return;
    running = running.then(job).catch((err) => log.error({ err }, `${name} failed`));
  };
  const sweep = guard('reservation sweep', async () => {
    const n = await expireOverdueReservations(database);
    if (n > 0) log.info({ expired: n }, 'expired reservations');
  });
  const rebalance = guard('fence rebalance', () =>
    database.db.transaction(async (tx) => {
      const rows = (await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext('storegraph:stock:rebalance')) as ok`)) as unknown as { ok: boolean }[];
      if (!rows[0]?.ok) return;
      await rebalanceFences(database, { windowHours: config.rebalanceWindowHours });
    }),
  );
  const timers = [setInterval(sweep, config.sweepIntervalMs), setInterval(rebalance, config.rebalanceIntervalMs)];
  for (const t of timers) t.unref();
  return async () => {
    stopped = true;
    for (const t of timers) clearInterval(t);
    await running;
  };
}
