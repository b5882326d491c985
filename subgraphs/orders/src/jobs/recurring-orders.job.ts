import type { JobQueue, Logger } from '@storegraph/kit';
import type { OrdersDb, OrdersDeps } from '../context.ts';
import { runDueSchedules } from '../services/recurring-order-run.service.ts';

/**
 * Recurring orders on the shared job queue: one pass per interval across replicas (`every`). Overlapping
 * passes (a slow one outliving its slot, or a company admin's "run now" at the same moment) are safe: each
 * attempt's checkout key is derived from (schedule, run date, attempt), so they share one saga.
 */
export async function startRecurringOrders(db: OrdersDb, deps: OrdersDeps, log: Logger, jobs: JobQueue, intervalMs: number): Promise<void> {
  await jobs.every('orders.recurring-orders', intervalMs, () => runDueSchedules(db, deps, log).then(() => {}));
}
