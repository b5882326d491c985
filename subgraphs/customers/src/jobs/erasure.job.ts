import type { Logger } from '@storegraph/kit';
import type { CustomersDb, CustomersDeps } from '../context.ts';
import { anonymisePendingErasures } from '../services/privacy.service.ts';

/** Retries erasures orders has not confirmed yet (it was down, or slow); safe on several replicas (orders' side is idempotent). */
export function startErasureRetries(db: CustomersDb, deps: CustomersDeps, log: Logger, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = anonymisePendingErasures(db, deps, log).catch((err) => log.warn({ err }, 'erasure retry failed'));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
