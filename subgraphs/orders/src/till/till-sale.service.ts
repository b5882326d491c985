import { createHash, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { appError, Code } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { quoteCart } from '../clients/prices.client.ts';
import { signCheckoutContext, signCustomerContext } from '../clients/service-context.ts';
import { confirmReservation, releaseReservation } from '../clients/stock.client.ts';
import { tillSales, tillSessions } from '../db/tables.ts';
import { checkTenders, type Tender } from '../domain/till-tenders.rules.ts';
import { isQuote, quoteProblems } from '../services/cart-view.service.ts';
import { assertVariantId, badInput, CART_LIMITS } from '../services/cart-input.validation.ts';
import { discountThreshold, type ManualDiscount, needsManagerApproval } from '../domain/till-discount.rules.ts';
import { checkApproval, discountQuote, validateDiscount } from './till-discount.service.ts';
import { tillDiscountPolicyOf } from './till-discount-policy.service.ts';
import { receiptOf } from './till-receipt.service.ts';
import { requireTill } from './till-session.service.ts';
import { assertCreditCode } from './store-credit.service.ts';
import { refuseAfterEarlierCards, storedRefusal } from './till-sale-refusal.service.ts';
import { creditReleased, recordTillSaleWithCredits, renewSpendHolds, spendTenderCredits, undoTenderCredits } from './till-sale-credit.service.ts';
import { reserveForSale } from './till-sale-stock.service.ts';
import { crashIfAsked } from '../checkout/fault-injection.ts';

export interface TillSaleInput {
  idempotencyKey: string;
  lines: { variantId: string; quantity: number; discount?: ManualDiscount | null }[];
  expectedTotal: { amount: number; currency: string };
  tenders: (Tender & { cardToken?: string | null; creditCode?: string | null })[];
  discount?: ManualDiscount | null;
  managerApproval?: string | null;
}

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
/**
 * A till holds the units only for the seconds between reserving and confirming them. Part of the hold's request
 * (stock keys it with its ttl), so every replica must agree on it: a constant, not a setting.
 */
const HOLD_SECONDS = 120;

function validate(ctx: OrdersContext, input: TillSaleInput) {
  if (!KEY.test(input.idempotencyKey)) badInput('INVALID_IDEMPOTENCY_KEY', 'idempotencyKey is 8 to 128 of A-Z, a-z, 0-9, _ . : -', 'input.idempotencyKey');
  if (input.lines.length < 1 || input.lines.length > CART_LIMITS.maxLines) badInput('INVALID_LINES', `1 to ${CART_LIMITS.maxLines} lines`, 'input.lines');
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    assertVariantId(l.variantId, `input.lines.${i}.variantId`);
    if (seen.has(l.variantId)) badInput('DUPLICATE_LINE', 'one line per variant', `input.lines.${i}.variantId`);
    seen.add(l.variantId);
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > CART_LIMITS.maxQuantity)
      badInput('INVALID_QUANTITY', `quantity is 1 to ${CART_LIMITS.maxQuantity}`, `input.lines.${i}.quantity`);
    validateDiscount(l.discount, `input.lines.${i}.discount`);
  });
  validateDiscount(input.discount, 'input.discount');
  if (input.expectedTotal.currency !== ctx.channel.currency)
    badInput('INVALID_CURRENCY', `this till sells in ${ctx.channel.currency}`, 'input.expectedTotal.currency');
  if (input.tenders.length < 1 || input.tenders.length > 10) badInput('INVALID_TENDERS', '1 to 10 tenders', 'input.tenders');
  input.tenders.forEach((t, i) => {
    if (!Number.isSafeInteger(t.amount) || t.amount <= 0)
      badInput('INVALID_AMOUNT', 'a tender is a positive amount of minor units', `input.tenders.${i}.amount`);
    if (t.method === 'CARD' && !t.cardToken)
      badInput('PAYMENT_TOKEN_REQUIRED', 'a card tender carries the terminal’s card token', `input.tenders.${i}.cardToken`);
    if (t.cardToken != null && !/^[A-Za-z0-9_]{1,255}$/.test(t.cardToken))
      badInput('INVALID_PAYMENT_TOKEN', 'malformed card token', `input.tenders.${i}.cardToken`);
    if (t.method === 'STORE_CREDIT') t.creditCode = assertCreditCode(t.creditCode ?? '', `input.tenders.${i}.creditCode`);
  });
}

const discountKey = (d: ManualDiscount | null | undefined) => (d ? [d.amount ?? null, d.percentBasisPoints ?? null] : null);

function requestHash(input: TillSaleInput): string {
  const sorted = [...input.lines].sort((a, b) => a.variantId.localeCompare(b.variantId));
  const lines = sorted.map((l) => [l.variantId, l.quantity]);
  const tenders = input.tenders.map((t) => [t.method, t.amount]);
  // A sale without manual discounts hashes as before they existed, so keys stored then still replay.
  const manual = input.discount || input.lines.some((l) => l.discount) ? [[discountKey(input.discount), sorted.map((l) => discountKey(l.discount))]] : [];
  return createHash('sha256')
    .update(JSON.stringify([lines, input.expectedTotal.amount, tenders, ...manual]))
    .digest('hex');
}

async function storedSale(ctx: OrdersContext, tillId: string, clientId: string) {
  const [row] = await ctx.db.db
    .select()
    .from(tillSales)
    .where(and(eq(tillSales.tillId, tillId), eq(tillSales.clientId, clientId)));
  return row;
}

async function replay(ctx: OrdersContext, tillId: string, clientId: string, hash: string) {
  const row = await storedSale(ctx, tillId, clientId);
  if (!row) return null;
  if (row.requestHash !== hash)
    throw appError(Code.IDEMPOTENCY_KEY_REUSED, 'this idempotency key was used for another sale', { argument: 'input.idempotencyKey' });
  return receiptOf(ctx, row);
}

/**
 * Manual discounts within the channel's threshold need nobody; above it, a manager's approval for this till and
 * sign-in, covering the discount, checked before anything is reserved or charged.
 */
async function approvalFor(
  ctx: OrdersContext,
  till: ReturnType<typeof requireTill>,
  token: string | null | undefined,
  manualDiscount: number,
  before: number,
  currency: string,
) {
  // Most sales take nothing off by hand: they need no policy read.
  if (manualDiscount === 0) return { __typename: 'Approved' as const, approvedBy: null };
  const policy = await tillDiscountPolicyOf(ctx, ctx.channel.channel);
  if (!needsManagerApproval(policy, before, manualDiscount)) return { __typename: 'Approved' as const, approvedBy: null };
  const check = await checkApproval(ctx, till, token, manualDiscount, new Date());
  if (check.ok) return { __typename: 'Approved' as const, approvedBy: { id: check.managerId, name: check.managerName } };
  return {
    __typename: 'ManagerApprovalRequired' as const,
    reason: check.reason,
    message: check.message,
    discount: { amount: manualDiscount, currency },
    threshold: { amount: discountThreshold(policy, before), currency },
  };
}

/**
 * A sale at the till, fulfilled at once: priced by prices in the POS channel, the units reserved at the till's own
 * shop only (stock's pickup rule: a shop the channel does not sell from is refused) and confirmed there at once,
 * which books SALE movements at that location; card tenders are authorised and captured through the `card`
 * payment provider (the terminal hands over the card's token); then the order (COMPLETED, no shipment: the goods
 * leave over the counter), its lines, the tenders and `order.placed` are one statement. The idempotency key makes
 * every step repeatable: a retry (or a duplicate sent at once) finds the same hold, the same authorisations and,
 * at the end, the unique (till, key) row, and answers the first sale's receipt.
 */
export async function tillSale(ctx: OrdersContext, input: TillSaleInput) {
  const till = requireTill(ctx);
  validate(ctx, input);
  const hash = requestHash(input);
  const done = await replay(ctx, till.id, input.idempotencyKey, hash);
  if (done) return done;
  const sale = { tillId: till.id, clientId: input.idempotencyKey, requestHash: hash, key: `till:${till.id}:${input.idempotencyKey}` };
  const closed = await storedRefusal(ctx, sale, input.tenders);
  if (closed) return closed;
  // A refusal may meet a card an earlier attempt under this key charged before it died: paid back, the key closed.
  return refuseAfterEarlierCards(ctx, sale, input.tenders, await sell(ctx, input, till, hash, sale.key));
}

async function sell(ctx: OrdersContext, input: TillSaleInput, till: ReturnType<typeof requireTill>, hash: string, key: string) {
  const [session] = await ctx.db.db
    .select({ id: tillSessions.id })
    .from(tillSessions)
    .where(and(eq(tillSessions.tillId, till.id), isNull(tillSessions.closedAt)));
  if (!session) return { __typename: 'TillSessionConflict' as const, message: 'open the till (a cash session) before selling', current: null };
  for (const dep of [ctx.deps.stock, ctx.deps.prices]) if (!dep.guard.closed) throw serviceUnavailable(dep.guard.service);

  const priced = await quoteCart(ctx.deps.prices, await signCustomerContext(ctx.channel, ctx.deps.contextSecret), ctx.channel.requestId, {
    lines: input.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    couponCodes: [],
    shipTo: null,
    shippingMethod: null,
  });
  if (!isQuote(priced)) return { __typename: 'CartNotReady' as const, problems: quoteProblems(priced) };
  // The quote's lines come in the request's order (one per variant), so line i's discount is input line i's.
  const byVariant = new Map(input.lines.map((l) => [l.variantId, l.discount]));
  const discounted = discountQuote(
    priced,
    priced.lines.map((l) => byVariant.get(l.variantId)),
    input.discount,
  );
  if (!discounted.ok) return { __typename: 'DiscountRefused' as const, reason: discounted.reason, message: discounted.message, lineNo: discounted.lineNo };
  const quote = { ...priced, ...discounted.quote };
  if (quote.total !== input.expectedTotal.amount)
    return {
      __typename: 'PriceChanged' as const,
      expected: { amount: input.expectedTotal.amount, currency: quote.currency },
      actual: { amount: quote.total, currency: quote.currency },
    };
  const approval = await approvalFor(ctx, till, input.managerApproval, discounted.manualDiscount, discounted.before, quote.currency);
  if (approval.__typename === 'ManagerApprovalRequired') return approval;
  const paid = checkTenders(quote.total, input.tenders);
  if (!paid.ok) return { __typename: 'TenderRefused' as const, reason: paid.reason, message: paid.message };

  const service = await signCheckoutContext(ctx.channel, ctx.deps.contextSecret);
  let reserved: Awaited<ReturnType<typeof reserveForSale>>;
  try {
    const lines = input.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity }));
    reserved = await reserveForSale(ctx, service, key, lines, till.locationId, HOLD_SECONDS);
  } catch (err) {
    // Stock refuses a shop the till's channel does not sell from: the till cannot sell another shop's goods.
    if (err instanceof GraphQLError && err.extensions.code === 'BAD_USER_INPUT' && err.extensions.argument === 'pickupLocationId')
      throw appError(Code.FORBIDDEN, "this till's shop does not sell this channel's stock");
    if (err instanceof GraphQLError && err.extensions.code === 'CONFLICT') throw serviceUnavailable('stock');
    throw err;
  }
  if (reserved.__typename === 'InsufficientStock') {
    return {
      __typename: 'InsufficientStock' as const,
      lines: reserved.lines.map((l) => ({ variant: { id: l.variant.id }, requested: l.requested, available: l.available })),
    };
  }
  // Store credit first: it is ours to check, so a short balance refuses the sale before any card is charged.
  const credits = await spendTenderCredits(ctx, till.id, key, input.tenders);
  if (!credits.ok) {
    await releaseReservation(ctx.deps.stock, service, ctx.channel.requestId, reserved.id).catch(() => undefined);
    return credits.refused;
  }
  // A replayed spend's hold may be nearly out: renewed before any card is charged or unit sold, or the sale stops.
  if (!(await renewSpendHolds(ctx, credits.spent))) {
    // Gone: a duplicate sent at once recorded the sale (its receipt is the answer), or the job released a spend.
    const recorded = await replay(ctx, till.id, input.idempotencyKey, hash);
    if (recorded) return recorded;
    await releaseReservation(ctx.deps.stock, service, ctx.channel.requestId, reserved.id).catch(() => undefined);
    await undoTenderCredits(ctx, credits.spent);
    throw creditReleased();
  }
  // Crash tests: the credit is spent and held, and no sale will be recorded by this process.
  crashIfAsked(ctx.crashAt, 'till-sale:after-credit');
  const tenders: { method: 'CASH' | 'CARD' | 'STORE_CREDIT'; amount: number; providerRef?: string | null }[] = [];
  // Looked up only for a card tender: a till taking cash works where no card provider is configured.
  const card = input.tenders.some((t) => t.method === 'CARD') ? ctx.deps.payments.get('card') : null;
  for (const [i, t] of input.tenders.entries()) {
    if (t.method === 'CASH') {
      tenders.push({ method: 'CASH', amount: t.amount });
      continue;
    }
    if (t.method === 'STORE_CREDIT') {
      tenders.push({ method: 'STORE_CREDIT', amount: t.amount, providerRef: credits.spent.get(i)!.creditId });
      continue;
    }
    const auth = await card!.authorize({
      idempotencyKey: `${key}:card:${i}:authorize`,
      amount: { amount: t.amount, currency: quote.currency },
      paymentMethod: { provider: 'card', token: t.cardToken ?? undefined },
      reference: key,
      metadata: { channel: ctx.channel.channel, till: till.id },
    });
    const captured =
      auth.status === 'AUTHORIZED'
        ? await card!.capture({ providerRef: auth.providerRef, amount: auth.amount, idempotencyKey: `${key}:card:${i}:capture` })
        : null;
    if (auth.status !== 'AUTHORIZED' || captured?.status !== 'CAPTURED') {
      // Nothing leaves the shop: the hold is released and earlier card tenders of this sale are refunded.
      await releaseReservation(ctx.deps.stock, service, ctx.channel.requestId, reserved.id).catch(() => undefined);
      await undoTenderCredits(ctx, credits.spent);
      for (const [j, prior] of tenders.entries())
        if (prior.method === 'CARD' && prior.providerRef)
          await card!.refund({
            providerRef: prior.providerRef,
            amount: { amount: prior.amount, currency: quote.currency },
            idempotencyKey: `${key}:card:${j}:refund`,
          });
      if (auth.status === 'DECLINED') return { __typename: 'PaymentDeclined' as const, reason: auth.reason, declineCode: auth.declineCode };
      return { __typename: 'PaymentUnavailable' as const, message: 'the card terminal’s provider did not answer; nothing was charged' };
    }
    tenders.push({ method: 'CARD', amount: t.amount, providerRef: auth.providerRef });
  }
  // Crash tests: the cards are charged too, and still no sale is recorded by this process.
  crashIfAsked(ctx.crashAt, 'till-sale:after-card');
  const confirmed = await confirmReservation(ctx.deps.stock, service, ctx.channel.requestId, reserved.id);
  if (confirmed.__typename !== 'Reservation') {
    // The hold lapsed on the way (the renewal left it 30 s at least): the credit goes back now, and the till's retry
    // with the key holds the units again and replays its cards' answers.
    await undoTenderCredits(ctx, credits.spent);
    throw serviceUnavailable('stock');
  }

  const recorded = await recordTillSaleWithCredits(
    ctx,
    {
      id: `tsl_${randomUUID().replaceAll('-', '')}`,
      orderId: `ord_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      tillId: till.id,
      clientId: input.idempotencyKey,
      requestHash: hash,
      tillSessionId: session.id,
      channel: ctx.channel.channel,
      locationId: till.locationId,
      cashierId: till.staffId,
      owner: `till:${till.id}`,
      customerId: ctx.channel.customerId ?? null,
      reservationId: reserved.id,
      quote,
      tenders,
      cashTaken: paid.cashTaken,
      cardTaken: paid.cardTaken,
      change: paid.change,
      soldAt: new Date(),
      manualDiscount: discounted.manualDiscount,
      approvedBy: approval.approvedBy,
    },
    credits.spent,
  );
  // A duplicate sent at once that lost the race for the (till, key) row answers the winner's receipt.
  const receipt = await replay(ctx, till.id, input.idempotencyKey, hash);
  if (!receipt && !recorded) throw creditReleased();
  if (!receipt) throw new Error(`till sale ${input.idempotencyKey} of ${till.id} is not there after it was written`);
  return receipt;
}
