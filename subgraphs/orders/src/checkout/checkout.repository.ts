import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { OrdersDb } from '../context.ts';
import { carts, checkoutSteps, checkouts } from '../db/tables.ts';
import type { CheckoutRow, PlaceOrderOutcome, StepId } from './checkout.types.ts';

/** Another worker (recovery, after this one looked dead) took the saga: this one stops touching it. */
export class LeaseLost extends Error {}

type Db = OrdersDb['db'];
/** How long a worker owns a saga between two persisted steps before recovery may take it over. */
const lease = (seconds: number) => sql`now() + make_interval(secs => ${seconds})`;

/** The saga of this key, created now (fresh) or as it already was (a retry or a concurrent duplicate). */
export async function startCheckout(
  db: Db,
  row: Omit<CheckoutRow, 'id' | 'status' | 'step' | 'result' | 'attempts'>,
  leaseSeconds: number,
): Promise<{ checkout: CheckoutRow; fresh: boolean }> {
  const inserted = await db
    .insert(checkouts)
    .values({ ...row, leaseUntil: sql`${lease(leaseSeconds)}` as unknown as Date })
    .onConflictDoNothing({ target: [checkouts.channel, checkouts.owner, checkouts.idempotencyKey] })
    .returning();
  if (inserted[0]) return { checkout: inserted[0] as CheckoutRow, fresh: true };
  const [existing] = await db
    .select()
    .from(checkouts)
    .where(and(eq(checkouts.channel, row.channel), eq(checkouts.owner, row.owner), eq(checkouts.idempotencyKey, row.idempotencyKey)));
  return { checkout: existing as CheckoutRow, fresh: false };
}

export async function loadCheckout(db: Db, id: string): Promise<CheckoutRow | null> {
  const [row] = await db.select().from(checkouts).where(eq(checkouts.id, id));
  return (row as CheckoutRow) ?? null;
}

export async function stepOutcomes(db: Db, id: string): Promise<Map<StepId, unknown>> {
  const rows = await db.select({ step: checkoutSteps.step, outcome: checkoutSteps.outcome }).from(checkoutSteps).where(eq(checkoutSteps.checkoutId, id));
  return new Map(rows.map((r) => [r.step as StepId, r.outcome]));
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Persists a step's outcome and renews the lease, fenced by `attempts`: recovery bumps it when it takes a
 * saga over, so a worker that lost its lease cannot write past the one that took it. One statement (one
 * commit outside a transaction); with `completed`, the same statement also ends the saga with its answer.
 */
export async function recordStep(
  db: Db | Tx,
  c: CheckoutRow,
  step: StepId,
  outcome: unknown,
  leaseSeconds: number,
  completed?: PlaceOrderOutcome,
): Promise<void> {
  const status = completed ? 'COMPLETED' : c.status;
  const rows = await db.execute<{ moved: number }>(sql`
    with moved as (
      update orders.checkouts
      set step = ${step}, status = ${status}, result = coalesce(${completed ? JSON.stringify(completed) : null}::jsonb, result),
          updated_at = now(), lease_until = ${lease(leaseSeconds)}
      where id = ${c.id} and attempts = ${c.attempts}
      returning id),
    recorded as (
      insert into orders.checkout_steps (checkout_id, step, outcome)
      select id, ${step}, ${JSON.stringify(outcome ?? {})}::jsonb from moved
      on conflict do nothing)
    select count(*)::int as moved from moved`);
  if (!rows[0] || rows[0].moved === 0) throw new LeaseLost(`checkout ${c.id} was taken over`);
}

/** The answer is decided (a failure): stored first, so replays and a crash mid-compensation both see it. */
export async function beginCompensation(db: Db, c: CheckoutRow, result: PlaceOrderOutcome, leaseSeconds: number): Promise<void> {
  const moved = await db
    .update(checkouts)
    .set({ status: 'COMPENSATING', result, updatedAt: new Date(), leaseUntil: sql`${lease(leaseSeconds)}` as unknown as Date })
    .where(and(eq(checkouts.id, c.id), eq(checkouts.attempts, c.attempts)))
    .returning({ id: checkouts.id });
  if (moved.length === 0) throw new LeaseLost(`checkout ${c.id} was taken over`);
}

/** Compensated: the cart is usable again (only if this saga still holds it) and the saga is FAILED. */
export async function finishFailed(db: Db, c: CheckoutRow): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(carts)
      .set({ status: 'ACTIVE', checkoutId: null, updatedAt: new Date() })
      .where(and(eq(carts.id, c.cartId), eq(carts.checkoutId, c.id), eq(carts.status, 'CHECKING_OUT')));
    await tx
      .update(checkouts)
      .set({ status: 'FAILED', updatedAt: new Date() })
      .where(and(eq(checkouts.id, c.id), eq(checkouts.attempts, c.attempts)));
  });
}

export async function finishCompleted(db: Db, c: CheckoutRow, result: PlaceOrderOutcome): Promise<void> {
  await db
    .update(checkouts)
    .set({ status: 'COMPLETED', result, updatedAt: new Date() })
    .where(and(eq(checkouts.id, c.id), eq(checkouts.attempts, c.attempts)));
}

/**
 * Recovery: takes over sagas whose worker stopped renewing its lease (a crash), at most `limit`, skipping
 * any another replica is taking right now. Bumping attempts fences the previous worker out.
 */
export async function claimAbandoned(db: Db, limit: number, leaseSeconds: number): Promise<CheckoutRow[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: checkouts.id })
      .from(checkouts)
      // Literal statuses, so PostgreSQL can use the partial index on unfinished sagas (a parameter would not match it).
      .where(and(sql`${checkouts.status} in ('RUNNING', 'COMPENSATING')`, lt(checkouts.leaseUntil, sql`now()`)))
      .orderBy(checkouts.leaseUntil)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    const rows = await tx
      .update(checkouts)
      .set({ attempts: sql`${checkouts.attempts} + 1`, leaseUntil: sql`${lease(leaseSeconds)}` as unknown as Date, updatedAt: new Date() })
      .where(
        inArray(
          checkouts.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
    return rows as CheckoutRow[];
  });
}

/**
 * A saga undone because a service it needed was unavailable leaves no trace: the client was told
 * SERVICE_UNAVAILABLE, and a retry with the same key must run the checkout again, not replay a failure.
 * Only a FAILED saga (fully compensated, its cart released) of this attempt is removed; its steps cascade.
 */
export async function forgetCheckout(db: Db, c: CheckoutRow): Promise<void> {
  await db.delete(checkouts).where(and(eq(checkouts.id, c.id), eq(checkouts.status, 'FAILED'), eq(checkouts.attempts, c.attempts)));
}
