import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gte, sql } from 'drizzle-orm';
import type { OrdersContext } from '../context.ts';
import { storeCreditMovements, storeCredits } from '../db/tables.ts';
import { badInput } from '../services/cart-input.validation.ts';
import { requireTill } from './till-session.service.ts';

type Db = OrdersContext['db']['db'];
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** No 0/O or 1/I: the code is read out and typed at the till. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE = /^SC(-[A-HJ-NP-Z2-9]{4}){4}$/;

/** SC-XXXX-XXXX-XXXX-XXXX: 16 of 32 symbols, 80 bits, so a code cannot be guessed at a till's pace. */
function newCode(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => ALPHABET[b % 32]);
  return `SC-${[0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-')}`;
}

const hashOf = (code: string) => createHash('sha256').update(code).digest('hex');

export function assertCreditCode(code: string, argument: string): string {
  const c = code.trim().toUpperCase();
  if (!CODE.test(c)) badInput('INVALID_CREDIT_CODE', 'a store-credit code is SC- and four groups of four letters or digits', argument);
  return c;
}

/** Issues a credit of `amount` in the transaction that records what it pays for; answers its id and code. */
export async function issueCredit(tx: Tx, input: { channel: string; currency: string; amount: number; reference: string; tillId: string }) {
  const code = newCode();
  const id = `scr_${randomUUID().replaceAll('-', '')}`;
  await tx.insert(storeCredits).values({
    id,
    codeHash: hashOf(code),
    codeLast4: code.slice(-4),
    channel: input.channel,
    currency: input.currency,
    issued: input.amount,
    balance: input.amount,
  });
  await tx.insert(storeCreditMovements).values({ creditId: id, kind: 'ISSUE', delta: input.amount, reference: input.reference, tillId: input.tillId });
  return { id, code };
}

const view = (row: { codeLast4: string; balance: number; issued: number; currency: string }) => ({
  last4: row.codeLast4,
  balance: { amount: row.balance, currency: row.currency },
  issued: { amount: row.issued, currency: row.currency },
});

async function findCredit(db: Db | Tx, channel: string, code: string) {
  const [row] = await db
    .select()
    .from(storeCredits)
    .where(and(eq(storeCredits.codeHash, hashOf(code)), eq(storeCredits.channel, channel)));
  return row;
}

/** On a till: a code's balance in this channel (null: no such code here), before the customer spends it. */
export async function storeCreditBalance(ctx: OrdersContext, code: string) {
  requireTill(ctx);
  const row = await findCredit(ctx.db.db, ctx.channel.channel, assertCreditCode(code, 'code'));
  return row ? view(row) : null;
}

export type SpendAnswer = { ok: true; creditId: string } | { ok: false; reason: 'NOT_FOUND' | 'INSUFFICIENT_BALANCE'; balance: number };

class Refused extends Error {
  constructor(readonly balance: number) {
    super('store credit short');
  }
}

/**
 * Takes `amount` off a code's balance once per `reference`: the movement is inserted first (a retry finds it and
 * spends nothing more), then one conditional UPDATE takes the amount only while the balance covers it. Two tills
 * spending the same credit at once queue on the row; the second re-reads the balance the first left and, short,
 * rolls its movement back: the credit is spent once and never goes below zero (a CHECK backs the rule).
 */
export async function spendCredit(ctx: OrdersContext, input: { code: string; amount: number; reference: string; tillId: string }): Promise<SpendAnswer> {
  const credit = await findCredit(ctx.db.db, ctx.channel.channel, input.code);
  if (!credit) return { ok: false, reason: 'NOT_FOUND', balance: 0 };
  try {
    await ctx.db.db.transaction(async (tx) => {
      const [fresh] = await tx
        .insert(storeCreditMovements)
        .values({ creditId: credit.id, kind: 'SPEND', delta: -input.amount, reference: input.reference, tillId: input.tillId })
        .onConflictDoNothing()
        .returning({ id: storeCreditMovements.id });
      if (!fresh) return;
      const [left] = await tx
        .update(storeCredits)
        .set({ balance: sql`${storeCredits.balance} - ${input.amount}` })
        .where(and(eq(storeCredits.id, credit.id), gte(storeCredits.balance, input.amount)))
        .returning({ balance: storeCredits.balance });
      if (!left) {
        const [now] = await tx.select({ balance: storeCredits.balance }).from(storeCredits).where(eq(storeCredits.id, credit.id));
        throw new Refused(now!.balance);
      }
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, reason: 'INSUFFICIENT_BALANCE', balance: err.balance };
    throw err;
  }
  return { ok: true, creditId: credit.id };
}

/** A sale that failed after its spend: the SPEND is deleted and its amount put back, so a retry spends again. */
export async function reverseSpend(db: Db, input: { creditId: string; reference: string }) {
  await db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(storeCreditMovements)
      .where(
        and(eq(storeCreditMovements.creditId, input.creditId), eq(storeCreditMovements.reference, input.reference), eq(storeCreditMovements.kind, 'SPEND')),
      )
      .returning({ delta: storeCreditMovements.delta });
    if (gone)
      await tx
        .update(storeCredits)
        .set({ balance: sql`${storeCredits.balance} - ${gone.delta}` })
        .where(eq(storeCredits.id, input.creditId));
  });
}

/** Puts a return's share back on the credit that paid the sale, once per `reference`. */
export async function creditBack(db: Db, input: { creditId: string; amount: number; reference: string; tillId: string }) {
  await db.transaction(async (tx) => {
    const [fresh] = await tx
      .insert(storeCreditMovements)
      .values({ creditId: input.creditId, kind: 'REFUND', delta: input.amount, reference: input.reference, tillId: input.tillId })
      .onConflictDoNothing()
      .returning({ id: storeCreditMovements.id });
    if (fresh)
      await tx
        .update(storeCredits)
        .set({ balance: sql`${storeCredits.balance} + ${input.amount}` })
        .where(eq(storeCredits.id, input.creditId));
  });
}
