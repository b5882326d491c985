import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { OrdersContext } from '../context.ts';
import { storeCreditMovements, storeCredits } from '../db/tables.ts';
import { CREDIT_CODE, creditCodeHash, deriveCreditCode } from '../domain/store-credit-code.rules.ts';
import { badInput } from '../services/cart-input.validation.ts';
import { requireTill } from './till-session.service.ts';

type Db = OrdersContext['db']['db'];
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export function assertCreditCode(code: string, argument: string): string {
  const c = code.trim().toUpperCase();
  if (!CREDIT_CODE.test(c)) badInput('INVALID_CREDIT_CODE', 'a store-credit code is SC- and four groups of four letters or digits', argument);
  return c;
}

/**
 * Issues a credit of `amount` in the transaction that records what it pays for; answers its id and code. The code
 * is derived from the id (the first secret) and only its hash and last four are written.
 */
export async function issueCredit(tx: Tx, secret: string, input: { channel: string; currency: string; amount: number; reference: string; tillId: string }) {
  const id = `scr_${randomUUID().replaceAll('-', '')}`;
  const code = deriveCreditCode(secret, id);
  await tx.insert(storeCredits).values({
    id,
    codeHash: creditCodeHash(code),
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

export async function findCredit(db: Db | Tx, channel: string, code: string) {
  const [row] = await db
    .select({
      id: storeCredits.id,
      codeLast4: storeCredits.codeLast4,
      balance: storeCredits.balance,
      issued: storeCredits.issued,
      currency: storeCredits.currency,
    })
    .from(storeCredits)
    .where(and(eq(storeCredits.codeHash, creditCodeHash(code)), eq(storeCredits.channel, channel)));
  return row;
}

/** On a till: a code's balance in this channel (null: no such code here), before the customer spends it. */
export async function storeCreditBalance(ctx: OrdersContext, code: string) {
  requireTill(ctx);
  const row = await findCredit(ctx.db.db, ctx.channel.channel, assertCreditCode(code, 'code'));
  return row ? view(row) : null;
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
