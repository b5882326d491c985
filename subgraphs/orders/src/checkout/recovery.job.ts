import type { JobQueue, Logger } from '@storegraph/kit';
import type { OrdersDb, OrdersDeps } from '../context.ts';
import { expireApprovals } from '../services/approval-decision.ts';
import { settleCancellations } from '../services/order-cancel.service.ts';
import { settlePendingShipmentRestocks } from '../services/shipment.service.ts';
import { settlePendingReturns } from '../services/refund.service.ts';
import { claimAbandoned } from './checkout.repository.ts';
import { runCheckout } from './checkout-runner.ts';

/**
 * Finishes what a crash left: sagas whose worker stopped renewing its lease are claimed (FOR UPDATE SKIP
 * LOCKED, so any number of replicas can run this) and either completed (the order exists) or undone
 * (it does not); voids of cancelled orders that did not reach the provider, and restocks of cancelled
 * shipments that did not reach stock, and refunds and returned units the provider or stock did not take
 * (refund.service.ts), are retried.
 */
export async function recoverCheckouts(db: OrdersDb['db'], deps: OrdersDeps, log: Logger, batch = 10): Promise<number> {
  let handled = 0;
  for (;;) {
    const claimed = await claimAbandoned(db, batch, deps.leaseSeconds);
    if (claimed.length === 0) break;
    for (const checkout of claimed) {
      log.info({ checkoutId: checkout.id, status: checkout.status, step: checkout.step, attempts: checkout.attempts }, 'recovering checkout');
      await runCheckout(db, deps, log, checkout, { recovering: true });
      handled += 1;
    }
  }
  await settleCancellations(db, deps, log);
  await settlePendingShipmentRestocks({ db, deps, log });
  await settlePendingReturns({ db, deps, log });
  return handled;
}

/**
 * Orders' periodic jobs on its job queue, each once per interval across replicas: checkout recovery (above)
 * and approval expiry (approval-decision.ts). Both stay safe when runs overlap (SKIP LOCKED claims), which
 * happens when one outlives its slot.
 */
export async function startRecovery(db: OrdersDb['db'], deps: OrdersDeps, log: Logger, jobs: JobQueue, intervalMs: number): Promise<void> {
  // The first run at start-up, as before the queue: a restarted replica finishes what its crash left at once.
  await jobs.every('orders.checkout-recovery', intervalMs, () => recoverCheckouts(db, deps, log).then(() => {}), { runAtStart: true });
  await jobs.every('orders.approval-expiry', intervalMs, () => expireApprovals(db, deps, log).then(() => {}), { runAtStart: true });
}
