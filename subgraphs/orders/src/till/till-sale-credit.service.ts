import { appError, Code } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { recordTillSale, type TillSaleRecord } from './till-sale.writer.ts';
import { claimSpends, releaseSpend, renewHolds, spendCredit } from './store-credit-spend.service.ts';

type Tender = { method: string; amount: number; creditCode?: string | null };
export type SpentCredits = Map<number, { creditId: string; spendId: number }>;

const reference = (key: string, i: number) => `${key}:credit:${i}`;

/**
 * Spends a till sale's store-credit tenders (tender i once per sale key: a retry spends nothing twice). On a short
 * balance or an unknown code the credits spent so far are put back and the sale is refused with StoreCreditRefused;
 * answers tender index -> credit and spend otherwise.
 */
export async function spendTenderCredits(ctx: OrdersContext, tillId: string, key: string, tenders: Tender[]) {
  const spent: SpentCredits = new Map();
  for (const [i, t] of tenders.entries()) {
    if (t.method !== 'STORE_CREDIT') continue;
    const answer = await spendCredit(ctx, { code: t.creditCode!, amount: t.amount, reference: reference(key, i), tillId });
    if (!answer.ok) {
      await undoTenderCredits(ctx, spent);
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
    spent.set(i, { creditId: answer.creditId, spendId: answer.spendId });
  }
  return { ok: true as const, spent };
}

/** The sale did not happen after all (a card declined): every credit it spent is given back, as a RELEASE. */
export async function undoTenderCredits(ctx: OrdersContext, spent: SpentCredits) {
  for (const { spendId } of spent.values()) await releaseSpend(ctx.db.db, spendId, false);
}

/** The sale's spends are held for another full hold (see renewHolds); false when one is gone. */
export function renewSpendHolds(ctx: OrdersContext, spent: SpentCredits): Promise<boolean> {
  return renewHolds(
    ctx.db.db,
    [...spent.values()].map((s) => s.spendId),
    ctx.deps.creditSpendHoldMs,
  );
}

class Released extends Error {}

/**
 * Records the sale and takes its credit spends' holds in one transaction, so a spend is either paid for by this
 * sale or released by the job, never both. False when a hold was already gone: a duplicate of this sale recorded
 * it first (the caller answers that sale's receipt), or the job released the spend while this request was still
 * on its way (it outlived ORDERS_CREDIT_SPEND_HOLD_MINUTES): then nothing is recorded (see creditReleased).
 */
export async function recordTillSaleWithCredits(ctx: OrdersContext, record: TillSaleRecord, spent: SpentCredits): Promise<boolean> {
  if (spent.size === 0) return recordTillSale(ctx.db.db, record);
  const ids = [...spent.values()].map((s) => s.spendId);
  try {
    return await ctx.db.db.transaction(async (tx) => {
      if (!(await claimSpends(tx, ids))) throw new Released();
      return recordTillSale(tx, record);
    });
  } catch (err) {
    if (err instanceof Released) return false;
    throw err;
  }
}

/**
 * No sale recorded and a spend released under it: the till sends the sale again with the same key, which spends
 * the credit again while the balance covers it (cards and stock replay their first answers by key).
 */
export const creditReleased = () =>
  appError(Code.CONFLICT, 'the store credit this sale spent was released before the sale was recorded: send the sale again with the same key', {
    reason: 'STORE_CREDIT_RELEASED',
  });
