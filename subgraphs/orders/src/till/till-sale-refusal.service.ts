import { and, eq } from 'drizzle-orm';
import { appError, Code } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { tillSaleRefusals } from '../db/tables.ts';
import type { PaymentProviderStrategy } from '../strategies/payment-provider.strategy.ts';

type Tender = { method: string; amount: number };
export interface SaleKey {
  tillId: string;
  clientId: string;
  requestHash: string;
  /** The key every step of the sale is asked under (`till:<till>:<client id>`). */
  key: string;
}

/**
 * Refusals a retry can meet after an earlier attempt under its key died having charged a card: everything but the
 * card's own answers (a decline or an unreachable provider pays back this attempt's cards itself, and a retry with
 * the key is how a till gets past PaymentUnavailable, so those must not close the key).
 */
const PAID_BACK_ON = new Set([
  'CartNotReady',
  'PriceChanged',
  'DiscountRefused',
  'ManagerApprovalRequired',
  'TenderRefused',
  'TillSessionConflict',
  'InsufficientStock',
  'StoreCreditRefused',
]);

/** The card tenders an earlier attempt under this key left charged (captured, or authorised and not voided). */
async function chargedCards(card: PaymentProviderStrategy, key: string, tenders: Tender[]) {
  const charged: { index: number; providerRef: string; captured: boolean; amount: { amount: number; currency: string } }[] = [];
  for (const [index, t] of tenders.entries()) {
    if (t.method !== 'CARD') continue;
    const found = await card.findAuthorization(`${key}:card:${index}:authorize`);
    // Unknown is not an answer here: the till retries, and the refusal is worked out again.
    if (found.status === 'UNAVAILABLE') throw serviceUnavailable('card provider');
    if (found.status !== 'FOUND' || (found.state !== 'CAPTURED' && found.state !== 'AUTHORIZED')) continue;
    charged.push({ index, providerRef: found.providerRef, captured: found.state === 'CAPTURED', amount: found.amount });
  }
  return charged;
}

/** Refunds what was captured and voids what was only authorised, under keys of their own (asked again: replayed). */
async function payBack(card: PaymentProviderStrategy, key: string, charged: Awaited<ReturnType<typeof chargedCards>>) {
  for (const c of charged) {
    const answer = c.captured
      ? await card.refund({ providerRef: c.providerRef, amount: c.amount, idempotencyKey: `${key}:card:${c.index}:refund` })
      : await card.void({ providerRef: c.providerRef, idempotencyKey: `${key}:card:${c.index}:void` });
    if (answer.status === 'UNAVAILABLE') throw serviceUnavailable('card provider');
  }
}

/**
 * A retry of a sale closed by a refusal answers that refusal again (another sale under the key: reused), after
 * paying back its cards once more (replayed by key: a no-op when the first pay-back went through, the pay-back when
 * the process that closed the key died before it).
 */
export async function storedRefusal(ctx: OrdersContext, sale: SaleKey, tenders: Tender[]) {
  const [row] = await ctx.db.db
    .select({ requestHash: tillSaleRefusals.requestHash, answer: tillSaleRefusals.answer })
    .from(tillSaleRefusals)
    .where(and(eq(tillSaleRefusals.tillId, sale.tillId), eq(tillSaleRefusals.clientId, sale.clientId)));
  if (!row) return null;
  if (row.requestHash !== sale.requestHash)
    throw appError(Code.IDEMPOTENCY_KEY_REUSED, 'this idempotency key was used for another sale', { argument: 'input.idempotencyKey' });
  const card = ctx.deps.payments.get('card');
  await payBack(card, sale.key, await chargedCards(card, sale.key, tenders));
  return row.answer as Record<string, unknown>;
}

/**
 * The sale is refused. An earlier attempt under the same key may have died after charging its card tenders and
 * before recording the sale (its store credit then released after ORDERS_CREDIT_SPEND_HOLD_MINUTES and spent
 * elsewhere, its price or approval gone stale meanwhile). Each card tender's authorisation is looked up by its key
 * (the provider's search lag is long past by then) and, when one is found charged, the refusal is first kept for the
 * key (till_sale_refusals) and then the cards are paid back: a later retry must not go on, since the provider would
 * replay the refunded authorisation as AUTHORIZED and the sale would be recorded with card money the customer got
 * back. Kept first, so a crash between the two leaves the key closed and the pay-back to the next retry.
 */
export async function refuseAfterEarlierCards<T extends { __typename: string }>(ctx: OrdersContext, sale: SaleKey, tenders: Tender[], refused: T): Promise<T> {
  if (!PAID_BACK_ON.has(refused.__typename) || !tenders.some((t) => t.method === 'CARD')) return refused;
  const card = ctx.deps.payments.get('card');
  const charged = await chargedCards(card, sale.key, tenders);
  // Nothing was charged under this key: a later retry may go on (the balance or the price may allow it by then).
  if (charged.length === 0) return refused;
  await ctx.db.db
    .insert(tillSaleRefusals)
    .values({ tillId: sale.tillId, clientId: sale.clientId, requestHash: sale.requestHash, answer: refused })
    .onConflictDoNothing();
  await payBack(card, sale.key, charged);
  return refused;
}
