import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Logger } from '@storegraph/kit';
import type { OrdersContext, OrdersDb, OrdersDeps } from '../context.ts';
import { loadCheckout } from '../checkout/checkout.repository.ts';
import { runCheckout } from '../checkout/checkout-runner.ts';
import type { PlaceOrderOutcome } from '../checkout/checkout.types.ts';
import { approvals, checkouts, checkoutSteps, outbox, type ApprovalStatus } from '../db/tables.ts';

export type Decision = 'APPROVED' | 'REJECTED';
type Db = OrdersDb['db'];
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type ApprovalRow = typeof approvals.$inferSelect;

const lease = (seconds: number) => sql`now() + make_interval(secs => ${seconds})` as unknown as Date;

/**
 * In the decision's transaction: an approval puts the saga back to RUNNING with the `approval` step done
 * (so a crash after it is finished by recovery, not undone); a rejection or expiry stores the saga's answer
 * and marks it COMPENSATING (recovery finishes the undo if this process dies first). Only a saga still
 * waiting moves, and the decision's `approval.decided` event goes with it.
 */
async function moveSaga(tx: Tx, row: ApprovalRow, leaseSeconds: number): Promise<void> {
  const waiting = and(eq(checkouts.id, row.checkoutId), eq(checkouts.status, 'PENDING_APPROVAL'));
  if (row.status === 'APPROVED') {
    const moved = await tx
      .update(checkouts)
      .set({ status: 'RUNNING', step: 'approval', leaseUntil: lease(leaseSeconds), updatedAt: new Date() })
      .where(waiting)
      .returning({ id: checkouts.id });
    if (moved.length === 1)
      await tx
        .insert(checkoutSteps)
        .values({ checkoutId: row.checkoutId, step: 'approval', outcome: { approvalId: row.id } })
        .onConflictDoNothing();
  } else {
    const answer: PlaceOrderOutcome = { __typename: row.status === 'EXPIRED' ? 'ApprovalExpired' : 'ApprovalRejected', approvalId: row.id };
    await tx
      .update(checkouts)
      .set({ status: 'COMPENSATING', result: answer, leaseUntil: lease(leaseSeconds), updatedAt: new Date() })
      .where(waiting);
  }
  await tx.insert(outbox).values({
    type: 'approval.decided',
    channel: row.channel,
    aggregateId: row.id,
    aggregateVersion: 2,
    data: {
      approvalId: row.id,
      companyId: row.companyId,
      requestedBy: row.requestedBy,
      status: row.status,
      decidedBy: row.decidedBy,
      reason: row.decisionReason,
      total: { amount: row.total, currency: row.currency },
    },
  });
}

/** Runs the saga on from its decision: to the order (approved) or through its undo (rejected, expired). */
async function finishSaga(db: Db, deps: OrdersDeps, log: Logger, checkoutId: string): Promise<void> {
  const checkout = await loadCheckout(db, checkoutId);
  if (checkout && (checkout.status === 'RUNNING' || checkout.status === 'COMPENSATING')) await runCheckout(db, deps, log, checkout);
}

const reread = async (db: Db, id: string) => (await db.select().from(approvals).where(eq(approvals.id, id)))[0]!;

/**
 * One decision per request, however many approvers race: the update takes the row only while it is
 * PENDING and not past its deadline, so of two concurrent deciders (or a decider and the expiry job) one
 * moves it and the other finds it decided.
 */
export async function decideApprovalRow(
  ctx: OrdersContext,
  approval: ApprovalRow,
  d: { decision: Decision; decidedBy: string; key: string; reason: string | null },
) {
  const db = ctx.db.db;
  const decided = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(approvals)
      .set({ status: d.decision, decidedBy: d.decidedBy, decisionKey: d.key, decisionReason: d.reason, decidedAt: new Date() })
      .where(and(eq(approvals.id, approval.id), eq(approvals.status, 'PENDING'), gt(approvals.expiresAt, sql`now()`)))
      .returning();
    if (row) await moveSaga(tx, row, ctx.deps.leaseSeconds);
    return row;
  });
  if (!decided) {
    let now = await reread(db, approval.id);
    // Past its deadline but not swept yet: expire it here (the job's own work, safe beside it), so the
    // answer says EXPIRED rather than a PENDING nobody may decide any more.
    if (now.status === 'PENDING') {
      await expireApprovals(db, ctx.deps, ctx.log);
      now = await reread(db, approval.id);
    }
    const same = now.decisionKey === d.key && now.decidedBy === d.decidedBy;
    return { __typename: same ? 'ApprovalDecided' : 'ApprovalAlreadyDecided', approval: now };
  }
  await finishSaga(db, ctx.deps, ctx.log, decided.checkoutId);
  return { __typename: 'ApprovalDecided', approval: await reread(db, approval.id) };
}

/**
 * The expiry job (every orders replica, beside checkout recovery): approvals past their deadline become
 * EXPIRED and their sagas are undone, which releases the held stock once and unlocks the cart. SKIP LOCKED
 * lets replicas share the work; a crash after the commit leaves the saga COMPENSATING for recovery.
 */
export async function expireApprovals(db: Db, deps: OrdersDeps, log: Logger, batch = 20): Promise<number> {
  let handled = 0;
  for (;;) {
    const expired = await db.transaction(async (tx) => {
      const due = await tx
        .select({ id: approvals.id })
        .from(approvals)
        .where(and(sql`${approvals.status} = 'PENDING'`, sql`${approvals.expiresAt} <= now()`))
        .orderBy(approvals.expiresAt)
        .limit(batch)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      const rows = await tx
        .update(approvals)
        .set({ status: 'EXPIRED' satisfies ApprovalStatus, decidedAt: new Date() })
        .where(
          inArray(
            approvals.id,
            due.map((r) => r.id),
          ),
        )
        .returning();
      for (const row of rows) await moveSaga(tx, row, deps.leaseSeconds);
      return rows;
    });
    if (expired.length === 0) return handled;
    for (const row of expired) {
      log.info({ approvalId: row.id, checkoutId: row.checkoutId }, 'approval expired: releasing its stock');
      await finishSaga(db, deps, log, row.checkoutId);
      handled += 1;
    }
  }
}
