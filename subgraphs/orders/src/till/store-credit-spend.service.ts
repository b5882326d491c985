import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Logger } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { storeCreditHolds, storeCreditMovements, storeCredits } from '../db/tables.ts';
import { findCredit } from './store-credit.service.ts';

type Db = OrdersContext['db']['db'];

export type SpendAnswer = { ok: true; creditId: string; spendId: number } | { ok: false; reason: 'NOT_FOUND' | 'INSUFFICIENT_BALANCE'; balance: number };

class Refused extends Error {
  constructor(readonly balance: number) {
    super('store credit short');
  }
}

/** Attempt 1 keeps the tender's own reference (spends made before releases existed replay as before). */
const attemptReference = (reference: string, attempt: number) => (attempt === 1 ? reference : `${reference}:respend:${attempt}`);

/**
 * Takes `amount` off a code's balance for the tender `reference`, and holds the spend until a recorded sale claims
 * it (or the release job gives it back). The rule for a retry with the same key: the tender's latest SPEND still
 * held (or claimed by the sale) is answered again and nothing more is spent; once that SPEND was released (the
 * till died and came back after the hold, or a card was declined), the retry spends again under the next attempt's
 * reference — only while the balance covers it, else it is refused with INSUFFICIENT_BALANCE like any short
 * tender. The balance moves by one conditional UPDATE per spend, so two tills spending the same credit queue on the
 * row and the second, short, rolls back its SPEND: never below zero (a CHECK backs the rule), never spent twice.
 */
export async function spendCredit(ctx: OrdersContext, input: { code: string; amount: number; reference: string; tillId: string }): Promise<SpendAnswer> {
  const credit = await findCredit(ctx.db.db, ctx.channel.channel, input.code);
  if (!credit) return { ok: false, reason: 'NOT_FOUND', balance: 0 };
  try {
    const spendId = await ctx.db.db.transaction(async (tx) => {
      const attempts = await tx
        .select({
          id: storeCreditMovements.id,
          // Spelled out: drizzle writes a lone column unqualified, which inside the subquery would mean r.id.
          released: sql<boolean>`exists (select 1 from orders.store_credit_movements r where r.releases = "store_credit_movements"."id")`,
        })
        .from(storeCreditMovements)
        .where(
          and(
            eq(storeCreditMovements.creditId, credit.id),
            eq(storeCreditMovements.kind, 'SPEND'),
            or(eq(storeCreditMovements.reference, input.reference), sql`starts_with(${storeCreditMovements.reference}, ${`${input.reference}:respend:`})`),
          ),
        )
        .orderBy(asc(storeCreditMovements.id));
      const last = attempts.at(-1);
      if (last && !last.released) return last.id;
      const reference = attemptReference(input.reference, attempts.length + 1);
      const [fresh] = await tx
        .insert(storeCreditMovements)
        .values({ creditId: credit.id, kind: 'SPEND', delta: -input.amount, reference, tillId: input.tillId })
        .onConflictDoNothing()
        .returning({ id: storeCreditMovements.id });
      if (!fresh) {
        // The same request sent at once made this attempt's SPEND first (the insert waited for it to commit).
        const [winner] = await tx
          .select({ id: storeCreditMovements.id })
          .from(storeCreditMovements)
          .where(and(eq(storeCreditMovements.creditId, credit.id), eq(storeCreditMovements.reference, reference)));
        return winner!.id;
      }
      const [left] = await tx
        .update(storeCredits)
        .set({ balance: sql`${storeCredits.balance} - ${input.amount}` })
        .where(and(eq(storeCredits.id, credit.id), sql`${storeCredits.balance} >= ${input.amount}`))
        .returning({ balance: storeCredits.balance });
      if (!left) {
        const [now] = await tx.select({ balance: storeCredits.balance }).from(storeCredits).where(eq(storeCredits.id, credit.id));
        throw new Refused(now!.balance);
      }
      await tx.insert(storeCreditHolds).values({ spendId: fresh.id, expiresAt: sql`now() + ${`${ctx.deps.creditSpendHoldMs} milliseconds`}::interval` });
      return fresh.id;
    });
    return { ok: true, creditId: credit.id, spendId };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, reason: 'INSUFFICIENT_BALANCE', balance: err.balance };
    throw err;
  }
}

/**
 * Whether the till sale a spend paid for is recorded: its reference is `till:<tillId>:<clientId>:credit:<i>` (then
 * `:respend:<n>` on a later attempt) and till_sales has the (till, client) row. Replicas of the code before holds
 * existed recorded a sale without claiming its spend's hold; releasing that spend would give back credit a
 * recorded sale paid for. Spelled out for the reason given in spendCredit.
 */
const saleRecorded = sql<boolean>`(starts_with("store_credit_movements"."reference", 'till:' || "store_credit_movements"."till_id" || ':')
  and exists (select 1 from orders.till_sales s where s.till_id = "store_credit_movements"."till_id"
    and s.client_id = regexp_replace(substr("store_credit_movements"."reference", length('till:' || "store_credit_movements"."till_id" || ':') + 1),
      ':credit:[0-9]+(:respend:[0-9]+)?$', '')))`;

/**
 * Gives a held spend back, once: the DELETE of its hold is the claim (the sale that would pay for it deletes the
 * same row, and the row lock makes one of them wait and then find nothing), then a RELEASE movement of the opposite
 * delta naming the SPEND (unique) and the balance back. `onlyExpired`: the job's pass, which leaves a live hold.
 * A spend whose sale is recorded all the same (saleRecorded) only loses its hold.
 * Answers the amount given back (0: the sale or another release had it).
 */
export async function releaseSpend(db: Db, spendId: number, onlyExpired: boolean): Promise<number> {
  return db.transaction(async (tx) => {
    const [hold] = await tx
      .delete(storeCreditHolds)
      .where(and(eq(storeCreditHolds.spendId, spendId), onlyExpired ? lte(storeCreditHolds.expiresAt, sql`now()`) : undefined))
      .returning({ spendId: storeCreditHolds.spendId });
    if (!hold) return 0;
    const [spend] = await tx
      .select({
        creditId: storeCreditMovements.creditId,
        delta: storeCreditMovements.delta,
        reference: storeCreditMovements.reference,
        tillId: storeCreditMovements.tillId,
        recorded: saleRecorded,
      })
      .from(storeCreditMovements)
      .where(eq(storeCreditMovements.id, spendId));
    // The hold goes either way: a spend its sale paid for is settled, not released.
    if (spend!.recorded) return 0;
    await tx.insert(storeCreditMovements).values({
      creditId: spend!.creditId,
      kind: 'RELEASE',
      delta: -spend!.delta,
      reference: `${spend!.reference}:release`,
      tillId: spend!.tillId,
      releases: spendId,
    });
    await tx
      .update(storeCredits)
      .set({ balance: sql`${storeCredits.balance} - ${spend!.delta}` })
      .where(eq(storeCredits.id, spend!.creditId));
    return -spend!.delta;
  });
}

/**
 * Renews the holds of a sale's spends for another full hold from now, before its cards are charged and its units
 * sold: a retry can replay a spend whose hold is nearly out, and the release job must not give it back while the
 * sale is still on its way. False when one is gone already (released, or claimed by a duplicate that recorded the sale).
 */
export async function renewHolds(db: Db, spendIds: number[], holdMs: number): Promise<boolean> {
  if (spendIds.length === 0) return true;
  const kept = await db
    .update(storeCreditHolds)
    .set({ expiresAt: sql`now() + ${`${holdMs} milliseconds`}::interval` })
    .where(inArray(storeCreditHolds.spendId, spendIds))
    .returning({ spendId: storeCreditHolds.spendId });
  return kept.length === spendIds.length;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * In the transaction that records the sale: takes every spend's hold, so the release job can no longer give them
 * back. False when one is gone (released, or taken by a duplicate of this sale that recorded it first).
 */
export async function claimSpends(tx: Tx, spendIds: number[]): Promise<boolean> {
  if (spendIds.length === 0) return true;
  const claimed = await tx.delete(storeCreditHolds).where(inArray(storeCreditHolds.spendId, spendIds)).returning({ spendId: storeCreditHolds.spendId });
  return claimed.length === spendIds.length;
}

/**
 * The release job's pass: every spend past its hold with no sale recorded for it (a recorded sale deleted the
 * hold) is given back, a batch at a time until none is due. Replicas may overlap: each spend goes to whichever
 * DELETE takes its hold first. Answers how many this pass gave back.
 */
export async function releaseExpiredSpends(db: Db, log: Logger, batch = 100): Promise<number> {
  let released = 0;
  for (;;) {
    const due = await db
      .select({ spendId: storeCreditHolds.spendId })
      .from(storeCreditHolds)
      .where(lte(storeCreditHolds.expiresAt, sql`now()`))
      .orderBy(asc(storeCreditHolds.expiresAt))
      .limit(batch);
    for (const { spendId } of due) {
      const amount = await releaseSpend(db, spendId, true);
      if (amount === 0) continue;
      released++;
      // The spend's id and amount only: never the code (it is not stored, and must not reach a log either).
      log.info({ spendId, amount }, 'store-credit spend released: no sale was recorded for it within the hold');
    }
    if (due.length < batch) return released;
  }
}
