import type { Logger } from '@storegraph/kit';
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
 * (refund.service.ts), are retried; approvals past
 * their deadline expire (approval-decision.ts).
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
  await expireApprovals(db, deps, log);
  return handled;
}

/** The recovery loop of one orders process; returns its stop function. */
export function startRecovery(db: OrdersDb['db'], deps: OrdersDeps, log: Logger, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = recoverCheckouts(db, deps, log)
      .catch((err) => log.error({ err }, 'checkout recovery failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
