import type { JobQueue, Logger } from '@storegraph/kit';
import type { OrdersDb } from '../context.ts';
import { releaseExpiredSpends } from '../till/store-credit-spend.service.ts';

/**
 * Store-credit spends whose till never recorded the sale (it died between spending and recording, and never sent
 * the sale again) are given back after ORDERS_CREDIT_SPEND_HOLD_MINUTES, on the shared job queue: one pass per
 * interval across replicas, and overlapping passes are safe (each spend's hold is deleted by one of them only).
 */
export async function startStoreCreditRelease(db: OrdersDb, log: Logger, jobs: JobQueue, intervalMs: number): Promise<void> {
  await jobs.every('orders.store-credit-release', intervalMs, () => releaseExpiredSpends(db.db, log).then(() => {}));
}
