import type { OrdersContext } from '../context.ts';
import { reverseSpend, spendCredit } from './store-credit.service.ts';

type Tender = { method: string; amount: number; creditCode?: string | null };

const reference = (key: string, i: number) => `${key}:credit:${i}`;

/**
 * Spends a till sale's store-credit tenders (tender i once per sale key: a retry spends nothing twice). On a short
 * balance or an unknown code the credits spent so far are put back and the sale is refused with StoreCreditRefused;
 * answers tender index -> credit id otherwise.
 */
export async function spendTenderCredits(ctx: OrdersContext, tillId: string, key: string, tenders: Tender[]) {
  const spent = new Map<number, string>();
  for (const [i, t] of tenders.entries()) {
    if (t.method !== 'STORE_CREDIT') continue;
    const answer = await spendCredit(ctx, { code: t.creditCode!, amount: t.amount, reference: reference(key, i), tillId });
    if (!answer.ok) {
      await undoTenderCredits(ctx, key, spent);
      return {
        ok: false as const,
        refused: {
          __typename: 'StoreCreditRefused' as const,
          reason: answer.reason,
          message: answer.reason === 'NOT_FOUND' ? 'no such store credit in this channel' : `the credit holds ${answer.balance}, the tender is ${t.amount}`,
          balance: { amount: answer.balance, currency: ctx.channel.currency },
          tenderIndex: i,
        },
      };
    }
    spent.set(i, answer.creditId);
  }
  return { ok: true as const, spent };
}

/** The sale did not happen after all (a card declined): every credit it spent is whole again. */
export async function undoTenderCredits(ctx: OrdersContext, key: string, spent: Map<number, string>) {
  for (const [i, creditId] of spent) await reverseSpend(ctx.db.db, { creditId, reference: reference(key, i) });
}
