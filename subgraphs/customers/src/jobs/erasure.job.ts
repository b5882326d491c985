import type { JobQueue, Logger } from '@storegraph/kit';
import type { CustomersDb, CustomersDeps } from '../context.ts';
import { anonymisePendingErasures } from '../services/privacy.service.ts';

/** Retries erasures orders has not confirmed yet (it was down, or slow): once per interval across replicas (orders' side is idempotent). */
export async function startErasureRetries(db: CustomersDb, deps: CustomersDeps, log: Logger, jobs: JobQueue, intervalMs: number): Promise<() => Promise<void>> {
  await jobs.every('customers.erasure-retry', intervalMs, () => anonymisePendingErasures(db, deps, log).then(() => {}));
  return async () => {};
}
