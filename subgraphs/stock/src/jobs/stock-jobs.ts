import { sql } from 'drizzle-orm';
import { createLogger, type JobQueue } from '@storegraph/kit';
import type { StockDb } from '../context.ts';
import { expireOverdueReservations } from '../services/expiry.service.ts';
import { rebalanceFences } from '../services/rebalance.service.ts';

export interface StockJobsConfig {
  sweepIntervalMs: number;
  rebalanceIntervalMs: number;
  rebalanceWindowHours: number;
}

/**
 * Stock's periodic jobs on its job queue, each run once per interval across all replicas: the reservation
 * sweeper (also safe if two overlap, see expiry.service.ts) and the DYNAMIC fence rebalance. The rebalance
 * keeps its transaction-scoped advisory lock: a run that outlives its slot must not overlap the next one.
 */
export async function startStockJobs(database: StockDb, jobs: JobQueue, config: StockJobsConfig): Promise<() => Promise<void>> {
  const log = createLogger('stock-jobs');
  await jobs.every('stock.reservation-sweep', config.sweepIntervalMs, async () => {
    const n = await expireOverdueReservations(database);
    if (n > 0) log.info({ expired: n }, 'expired reservations');
  });
  await jobs.every('stock.fence-rebalance', config.rebalanceIntervalMs, () =>
    database.db.transaction(async (tx) => {
      const rows = (await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext('storegraph:stock:rebalance')) as ok`)) as unknown as { ok: boolean }[];
      if (!rows[0]?.ok) return;
      await rebalanceFences(database, { windowHours: config.rebalanceWindowHours });
    }),
  );
  // The queue stops its workers with the subgraph.
  return async () => {};
}
