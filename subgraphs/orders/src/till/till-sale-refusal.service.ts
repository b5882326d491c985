import { and, eq } from 'drizzle-orm';
import { appError, Code } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { tillSaleRefusals } from '../db/tables.ts';

type Tender = { method: string; amount: number };
export interface SaleKey {
  tillId: string;
  clientId: string;
  requestHash: string;
  /** The key every step of the sale is asked under (`till:<till>:<client id>`). */
  key: string;
}

/** A retry of a sale that was closed by a refusal answers that refusal again (another sale under the key: reused). */
export async function storedRefusal(ctx: OrdersContext, sale: Omit<SaleKey, 'key'>) {
  const [row] = await ctx.db.db
    .select({ requestHash: tillSaleRefusals.requestHash, answer: tillSaleRefusals.answer })
    .from(tillSaleRefusals)
    .where(and(eq(tillSaleRefusals.tillId, sale.tillId), eq(tillSaleRefusals.clientId, sale.clientId)));
  if (!row) return null;
  if (row.requestHash !== sale.requestHash)
    throw appError(Code.IDEMPOTENCY_KEY_REUSED, 'this idempotency key was used for another sale', { argument: 'input.idempotencyKey' });
  return row.answer as Record<string, unknown>;
}

/**
 * The sale is refused (its store credit no longer covers it). An earlier attempt under the same key may have died
 * after charging its card tenders and before recording the sale: the credit it spent was then released after
 * ORDERS_CREDIT_SPEND_HOLD_MINUTES and spent elsewhere, which is how a retry comes to be refused at all. Each card
 * tender's authorisation is looked up by its key (the provider's search lag is long past by then) and paid back:
 * refunded if captured, voided if only authorised. When any was found, the refusal is kept for the key
 * (till_sale_refusals): a later retry must not go on, since the provider would replay the refunded authorisation
 * as AUTHORIZED and the sale would be recorded with card money the customer got back.
 */
export async function refuseAfterEarlierCards<T extends Record<string, unknown>>(ctx: OrdersContext, sale: SaleKey, tenders: Tender[], refused: T): Promise<T> {
  if (!tenders.some((t) => t.method === 'CARD')) return refused;
  const card = ctx.deps.payments.get('card');
  let charged = 0;
  for (const [i, t] of tenders.entries()) {
    if (t.method !== 'CARD') continue;
    const found = await card.findAuthorization(`${sale.key}:card:${i}:authorize`);
    // Unknown is not an answer here: the till retries, and the refusal is worked out again.
    if (found.status === 'UNAVAILABLE') throw serviceUnavailable('card provider');
    if (found.status !== 'FOUND') continue;
    charged++;
    if (found.state === 'CAPTURED') {
      const back = await card.refund({ providerRef: found.providerRef, amount: found.amount, idempotencyKey: `${sale.key}:card:${i}:refund` });
      if (back.status === 'UNAVAILABLE') throw serviceUnavailable('card provider');
    } else if (found.state === 'AUTHORIZED') {
      const voided = await card.void({ providerRef: found.providerRef, idempotencyKey: `${sale.key}:card:${i}:void` });
      if (voided.status === 'UNAVAILABLE') throw serviceUnavailable('card provider');
    }
  }
  // Nothing was asked of the provider under this key: a later retry may go on (the balance may cover it by then).
  if (charged === 0) return refused;
  await ctx.db.db
    .insert(tillSaleRefusals)
    .values({ tillId: sale.tillId, clientId: sale.clientId, requestHash: sale.requestHash, answer: refused })
    .onConflictDoNothing();
  return refused;
}
