import { GraphQLError } from 'graphql';
import { DependencyUnavailableError, serviceUnavailable, type Logger } from '@storegraph/kit';
import type { OrdersDb, OrdersDeps } from '../context.ts';
import { beginCompensation, finishCompleted, finishFailed, forgetCheckout, LeaseLost, recordStep, stepOutcomes } from './checkout.repository.ts';
import { StepEnv, type CheckoutStep } from './checkout-step.ts';
import { POINT_OF_NO_RETURN, STEP_ORDER, type CheckoutRow, type PlaceOrderOutcome, type StepId } from './checkout.types.ts';
import { crashIfAsked } from './fault-injection.ts';
import { awaitApprovalStep } from './steps/await-approval.step.ts';
import { authorizePaymentStep } from './steps/authorize-payment.step.ts';
import { checkApprovalStep } from './steps/check-approval.step.ts';
import { confirmStockStep } from './steps/confirm-stock.step.ts';
import { createOrderStep, type CreatedOrder } from './steps/create-order.step.ts';
import { quoteCartStep } from './steps/quote-cart.step.ts';
import { redeemPromotionsStep } from './steps/redeem-promotions.step.ts';
import { reserveStockStep } from './steps/reserve-stock.step.ts';
import type { ApprovalOutcome } from './steps/await-approval.step.ts';
import { useCreditStep } from './steps/use-credit.step.ts';
import { validateCart } from './steps/validate-cart.step.ts';

const STEPS: Record<StepId, CheckoutStep> = {
  validate: validateCart,
  quote: quoteCartStep,
  check_approval: checkApprovalStep,
  reserve: reserveStockStep,
  approval: awaitApprovalStep,
  credit: useCreditStep,
  authorize: authorizePaymentStep,
  create_order: createOrderStep,
  confirm_stock: confirmStockStep,
  redeem_promotions: redeemPromotionsStep,
};

const LEFT_NOTHING = new Set<PlaceOrderOutcome['__typename']>([
  'PriceChanged',
  'InsufficientStock',
  'PaymentDeclined',
  'CartNotReady',
  'CartLocked',
  // Decided while the saga was paused: nothing after the pause started.
  'ApprovalRejected',
  'ApprovalExpired',
  // The credit step's refusals roll back its transaction: no invoice was written.
  'CreditLimitExceeded',
  'InvoicesOverdue',
  // The quote step gives the quote back before it answers this.
  'QuoteNotUsable',
]);

/** Failure of a step that is neither an expected outcome nor ours to judge: the saga is undone. */
const UNAVAILABLE: PlaceOrderOutcome = {
  __typename: 'PaymentUnavailable',
  message: 'the checkout could not be completed; nothing was charged and the stock was released',
};

/** The service a step could not reach (down, timed out, circuit open, or answering SERVICE_UNAVAILABLE itself), if that is why it failed. */
function unavailableService(err: unknown): string | null {
  if (err instanceof DependencyUnavailableError) return err.service;
  if (err instanceof GraphQLError && err.extensions.code === 'SERVICE_UNAVAILABLE') return String(err.extensions.service ?? 'a required');
  return null;
}

export interface RunOptions {
  paymentToken?: string;
  /** Crash tests: the boundary at which to SIGKILL this process (see fault-injection.ts). */
  crashAt?: string;
  /** Recovery takes over a saga whose request is gone: it never starts a step that charges. */
  recovering?: boolean;
}

/**
 * Drives one saga to its end: forward step by step, each outcome persisted before the next starts; on an
 * expected failure the answer is stored first, then the steps done are undone in reverse. Before the order
 * exists, anything unexpected (a subgraph down, a bug) is undone too; after it exists, the remaining steps
 * are only ever finished, by this worker or by recovery.
 */
export async function runCheckout(
  db: OrdersDb['db'],
  deps: OrdersDeps,
  log: Logger,
  checkout: CheckoutRow,
  opts: RunOptions = {},
): Promise<PlaceOrderOutcome | null> {
  const done = await stepOutcomes(db, checkout.id);
  const env = new StepEnv(db, deps, checkout, done, log, opts.paymentToken);
  try {
    if (checkout.status === 'COMPENSATING') return await compensate(env, checkout.result!, opts);
    const pastNoReturn = done.has(POINT_OF_NO_RETURN);
    // An approver's decision is the request a recovered saga finishes; anything else is undone.
    const approved = (done.get('approval') as ApprovalOutcome | undefined)?.approvalId != null;
    if (opts.recovering && !pastNoReturn && !approved) {
      await beginCompensation(db, checkout, UNAVAILABLE, deps.leaseSeconds);
      return await compensate(env, UNAVAILABLE, opts);
    }
    for (const id of STEP_ORDER) {
      if (done.has(id)) continue;
      const step = STEPS[id];
      let result: Awaited<ReturnType<CheckoutStep['run']>>;
      try {
        result = await step.run(env);
      } catch (err) {
        if (err instanceof LeaseLost || done.has(POINT_OF_NO_RETURN)) throw err;
        const service = unavailableService(err);
        log.error({ err, checkoutId: checkout.id, step: id, unavailable: service }, 'checkout step failed: compensating');
        await beginCompensation(db, checkout, UNAVAILABLE, deps.leaseSeconds);
        if (!service) return await compensate(env, UNAVAILABLE, opts);
        // A service was down: the client is told to retry (SERVICE_UNAVAILABLE), and the undone saga is
        // forgotten so that the retry with the same key checks out afresh. An undo that cannot finish now
        // leaves the saga COMPENSATING for recovery, and the answer is the same.
        await compensate(env, UNAVAILABLE, opts).then(
          () => forgetCheckout(db, checkout),
          (undoErr) => log.warn({ err: undoErr, checkoutId: checkout.id }, 'compensation left to recovery'),
        );
        throw serviceUnavailable(service);
      }
      if ('pause' in result) return result.pause;
      if ('fail' in result) {
        await beginCompensation(db, checkout, result.fail, deps.leaseSeconds);
        return await compensate(env, result.fail, opts);
      }
      done.set(id, result.outcome);
      // The last step's record also ends the saga: one statement fewer per checkout.
      const last = id === STEP_ORDER[STEP_ORDER.length - 1];
      const placed: PlaceOrderOutcome | undefined = last
        ? { __typename: 'OrderPlaced', orderId: env.outcome<CreatedOrder>('create_order').orderId }
        : undefined;
      if (!step.persistsItself) await recordStep(db, checkout, id, result.outcome, deps.leaseSeconds, placed);
      crashIfAsked(opts.crashAt, `after:${id}`);
      if (placed) return placed;
    }
    // Every step was already done (recovery after a crash at the very end): only the answer is missing.
    const placed: PlaceOrderOutcome = { __typename: 'OrderPlaced', orderId: env.outcome<CreatedOrder>('create_order').orderId };
    await finishCompleted(db, checkout, placed);
    return placed;
  } catch (err) {
    if (err instanceof GraphQLError && err.extensions.code === 'SERVICE_UNAVAILABLE') throw err;
    if (err instanceof LeaseLost) {
      log.warn({ checkoutId: checkout.id }, 'checkout taken over by recovery');
      return null;
    }
    // Left RUNNING or COMPENSATING with its lease: recovery picks it up when the lease runs out.
    log.error({ err, checkoutId: checkout.id }, 'checkout interrupted; recovery will finish it');
    return null;
  }
}

/**
 * Undoes in reverse: every step with a persisted outcome, and the one after the last of them, which may
 * have started without its outcome being persisted (its undo finds out what happened). An undo that
 * fails (a service down) leaves the saga COMPENSATING for recovery to retry.
 */
async function compensate(env: StepEnv, answer: PlaceOrderOutcome, opts: RunOptions): Promise<PlaceOrderOutcome> {
  let lastDone = -1;
  STEP_ORDER.forEach((s, i) => {
    if (env.done.has(s)) lastDone = i;
  });
  // A step that answered an expected failure (declined, short, changed price) left nothing behind; after
  // anything else the step after the last persisted one may have acted without its outcome being stored. A
  // step that records its outcome only when it matters (check_approval, approval and credit of a consumer
  // checkout) may have finished unrecorded, so the one after it may have acted too: a consumer checkout killed
  // during `reserve` has only validate and quote stored, and its hold stayed until it expired (15 min).
  const maybeStarted = new Set<string>();
  if (!LEFT_NOTHING.has(answer.__typename))
    for (const id of STEP_ORDER.slice(lastDone + 1)) {
      maybeStarted.add(id);
      if (!STEPS[id].persistsItself) break;
    }
  for (let i = Math.min(lastDone + Math.max(maybeStarted.size, 1), STEP_ORDER.length - 1); i >= 0; i--) {
    const id = STEP_ORDER[i]!;
    const step = STEPS[id];
    if (!step.undo) continue;
    if (!env.done.has(id) && (!maybeStarted.has(id) || step.persistsItself)) continue;
    await step.undo(env, env.done.get(id));
    crashIfAsked(opts.crashAt, `undo:${id}`);
  }
  await finishFailed(env.db, env.checkout);
  return answer;
}
