import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { appError, Code, divRound } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { quoteCart } from '../clients/prices.client.ts';
import { signCheckoutContext, signCustomerContext } from '../clients/service-context.ts';
import { confirmReservation, reserveStock } from '../clients/stock.client.ts';
import { tillSales, tillSessions } from '../db/tables.ts';
import { checkTenders, type Tender } from '../domain/till-tenders.rules.ts';
import { assertVariantId, badInput } from '../services/cart-input.validation.ts';
import { applyManualDiscounts, discountThreshold, type ManualDiscount, needsManagerApproval } from '../domain/till-discount.rules.ts';
import { checkApproval, validateDiscount } from './till-discount.service.ts';
import { tillDiscountPolicyOf } from './till-discount-policy.service.ts';
import { requireTill } from './till-session.service.ts';
import { recordTillSale } from './till-sale.writer.ts';
import { createHash, randomUUID } from 'node:crypto';

export interface OfflineSaleInput {
  clientId: string;
  soldAt: string;
  lines: { variantId: string; quantity: number; unitPrice: number; discount?: ManualDiscount | null }[];
  tenders: Tender[];
  discount?: ManualDiscount | null;
  managerApproval?: string | null;
}

/**
 * A batch a till posts after working offline: at most this many sales, so one sync stays a bounded request. The
 * BFFs' input rule (10,000 values a request) already stops a batch of about 470 one-line sales; this is the cap
 * for callers inside (and the answer a larger body gets if that rule is ever raised).
 */
export const OFFLINE_BATCH_MAX = 1000;
const CLIENT_ID = /^[A-Za-z0-9_.:-]{8,128}$/;
const HOLD_SECONDS = 120;

type Outcome =
  | {
      clientId: string;
      status: 'APPLIED' | 'ALREADY_APPLIED';
      receiptNumber: string;
      orderId: string;
      flags: string[];
      shortfalls: { variantId: string; quantity: number }[];
    }
  | { clientId: string; status: 'REJECTED'; reason: string; receiptNumber: null; orderId: null; flags: string[]; shortfalls: [] };

/** The whole batch is checked before anything is applied: a malformed one is refused as a whole, naming the sale. */
function validate(ctx: OrdersContext, sales: OfflineSaleInput[]) {
  if (sales.length < 1 || sales.length > OFFLINE_BATCH_MAX) badInput('BATCH_TOO_LARGE', `1 to ${OFFLINE_BATCH_MAX} sales per batch`, 'sales');
  const seen = new Set<string>();
  sales.forEach((s, i) => {
    if (!CLIENT_ID.test(s.clientId)) badInput('INVALID_CLIENT_ID', 'clientId is 8 to 128 of A-Z, a-z, 0-9, _ . : -', `sales.${i}.clientId`);
    if (seen.has(s.clientId)) badInput('DUPLICATE_CLIENT_ID', `clientId ${s.clientId} appears twice in the batch`, `sales.${i}.clientId`);
    seen.add(s.clientId);
    const at = Date.parse(s.soldAt);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(s.soldAt) || Number.isNaN(at)) badInput('INVALID_TIME', 'soldAt is an ISO 8601 time', `sales.${i}.soldAt`);
    if (at > Date.now() + 5 * 60_000) badInput('INVALID_TIME', 'soldAt is in the future', `sales.${i}.soldAt`);
    if (s.lines.length < 1 || s.lines.length > 100) badInput('INVALID_LINES', '1 to 100 lines', `sales.${i}.lines`);
    const variants = new Set<string>();
    s.lines.forEach((l, j) => {
      assertVariantId(l.variantId, `sales.${i}.lines.${j}.variantId`);
      if (variants.has(l.variantId)) badInput('DUPLICATE_LINE', 'one line per variant', `sales.${i}.lines.${j}.variantId`);
      variants.add(l.variantId);
      if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 10_000)
        badInput('INVALID_QUANTITY', 'quantity is 1 to 10,000', `sales.${i}.lines.${j}.quantity`);
      if (!Number.isSafeInteger(l.unitPrice) || l.unitPrice < 0)
        badInput('INVALID_AMOUNT', 'unitPrice is a non-negative amount of minor units', `sales.${i}.lines.${j}.unitPrice`);
      validateDiscount(l.discount, `sales.${i}.lines.${j}.discount`);
    });
    validateDiscount(s.discount, `sales.${i}.discount`);
    // The till's own prices are in the sale, so a discount larger than what it comes off is malformed, not a fact.
    const priced = s.lines.map((l) => ({ total: l.unitPrice * l.quantity, tax: 0, taxRateBp: null }));
    const applied = applyManualDiscounts(
      priced,
      s.lines.map((l) => l.discount),
      s.discount,
      true,
    );
    if (!applied.ok)
      badInput('DISCOUNT_TOO_LARGE', applied.message, applied.line == null ? `sales.${i}.discount` : `sales.${i}.lines.${applied.line}.discount`);
    if (s.tenders.length < 1 || s.tenders.length > 10) badInput('INVALID_TENDERS', '1 to 10 tenders', `sales.${i}.tenders`);
    s.tenders.forEach((t, j) => {
      if (!Number.isSafeInteger(t.amount) || t.amount <= 0)
        badInput('INVALID_AMOUNT', 'a tender is a positive amount of minor units', `sales.${i}.tenders.${j}.amount`);
    });
  });
  void ctx;
}

const discountKey = (d: ManualDiscount | null | undefined) => (d ? [d.amount ?? null, d.percentBasisPoints ?? null] : null);

const hashOf = (s: OfflineSaleInput) => {
  const base = ['offline', s.soldAt, s.lines.map((l) => [l.variantId, l.quantity, l.unitPrice]), s.tenders.map((t) => [t.method, t.amount])];
  // A sale without manual discounts hashes as before they existed, so client ids applied then still replay.
  const manual = s.discount || s.lines.some((l) => l.discount) ? [[discountKey(s.discount), s.lines.map((l) => discountKey(l.discount))]] : [];
  return createHash('sha256')
    .update(JSON.stringify([...base, ...manual]))
    .digest('hex');
};

/**
 * Offline sales posted as a batch: each applied exactly once per (till, client id), whoever posts it and however
 * often. One till's batches run one at a time (a transaction-scoped advisory lock on the till), so a batch posted
 * by two connections at once is applied by the first and answered ALREADY_APPLIED by the second. The goods have
 * left the shop, so a sale is never dropped for want of stock: what the shop's stock still has is sold as SALE
 * movements there, and the rest is a recorded shortfall (stock's on-hand never goes below zero) flagged for staff
 * (STOCK_SHORTFALL); a unit price that changed since the till's snapshot is honoured as sold and flagged
 * (PRICE_CHANGED). A sale of a variant the channel does not sell or price is REJECTED and applies nothing.
 */
export async function postOfflineSales(ctx: OrdersContext, sales: OfflineSaleInput[]) {
  const till = requireTill(ctx);
  validate(ctx, sales);
  for (const dep of [ctx.deps.stock, ctx.deps.prices]) if (!dep.guard.closed) throw serviceUnavailable(dep.guard.service);
  {
    const done = await ctx.db.db
      .select({
        clientId: tillSales.clientId,
        requestHash: tillSales.requestHash,
        orderId: tillSales.orderId,
        number: sql<string>`(select number from orders.orders o where o.id = ${tillSales.orderId})`,
      })
      .from(tillSales)
      .where(
        and(
          eq(tillSales.tillId, till.id),
          inArray(
            tillSales.clientId,
            sales.map((s) => s.clientId),
          ),
        ),
      );
    const applied = new Map(done.map((d) => [d.clientId, d]));
    const todo = sales.filter((s) => !applied.has(s.clientId));
    // Today's prices and tax rates for every variant of the batch, in one quote.
    const variants = [...new Set(todo.flatMap((s) => s.lines.map((l) => l.variantId)))];
    const quote = variants.length
      ? await quoteCart(ctx.deps.prices, await signCustomerContext(ctx.channel, ctx.deps.contextSecret), ctx.channel.requestId, {
          lines: variants.map((variantId) => ({ variantId, quantity: 1 })),
          couponCodes: [],
          shipTo: null,
          shippingMethod: null,
        })
      : null;
    const current = new Map<string, { unit: number; sku: string; taxRateBp: number | null }>();
    const unsold = new Set<string>();
    if (quote?.__typename === 'Quote') for (const l of quote.lines) current.set(l.variantId, { unit: l.unit, sku: l.sku, taxRateBp: l.taxRateBp });
    else if (quote?.__typename === 'QuoteNotPossible') {
      for (const u of quote.unpriced) unsold.add(u.variantId);
      // The sellable rest, priced again without the unsold ones.
      const rest = variants.filter((v) => !unsold.has(v));
      if (rest.length) {
        const again = await quoteCart(ctx.deps.prices, await signCustomerContext(ctx.channel, ctx.deps.contextSecret), ctx.channel.requestId, {
          lines: rest.map((variantId) => ({ variantId, quantity: 1 })),
          couponCodes: [],
          shipTo: null,
          shippingMethod: null,
        });
        if (again.__typename !== 'Quote') throw serviceUnavailable('prices');
        for (const l of again.lines) current.set(l.variantId, { unit: l.unit, sku: l.sku, taxRateBp: l.taxRateBp });
      }
    } else if (quote) throw serviceUnavailable('prices');
    const [session] = await ctx.db.db
      .select({ id: tillSessions.id })
      .from(tillSessions)
      .where(and(eq(tillSessions.tillId, till.id), isNull(tillSessions.closedAt)));
    const service = await signCheckoutContext(ctx.channel, ctx.deps.contextSecret);
    const policy = await tillDiscountPolicyOf(ctx, ctx.channel.channel);

    const outcomes: Outcome[] = [];
    for (const s of sales) {
      // One sale at a time per (till, client id), under a transaction-scoped advisory lock held only while that
      // sale is applied (a batch-wide one would idle past idle_in_transaction_session_timeout during stock calls):
      // a second connection posting the same sale waits, then finds it applied.
      const outcome = await ctx.db.db.transaction(async (lock) => {
        await lock.execute(sql`select pg_advisory_xact_lock(hashtext(${`till-offline:${till.id}:${s.clientId}`}))`);
        const [again] = await ctx.db.db
          .select({
            clientId: tillSales.clientId,
            requestHash: tillSales.requestHash,
            orderId: tillSales.orderId,
            number: sql<string>`(select number from orders.orders o where o.id = ${tillSales.orderId})`,
          })
          .from(tillSales)
          .where(and(eq(tillSales.tillId, till.id), eq(tillSales.clientId, s.clientId)));
        return applyOne(s, again ?? applied.get(s.clientId));
      });
      outcomes.push(outcome);
    }
    return { results: outcomes };

    async function applyOne(s: OfflineSaleInput, prior: { requestHash: string; orderId: string; number: string } | undefined): Promise<Outcome> {
      if (prior) {
        if (prior.requestHash !== hashOf(s))
          throw appError(Code.IDEMPOTENCY_KEY_REUSED, `clientId ${s.clientId} was used for another sale`, { argument: 'sales' });
        return { clientId: s.clientId, status: 'ALREADY_APPLIED', receiptNumber: prior.number, orderId: prior.orderId, flags: [], shortfalls: [] };
      }
      const unknown = s.lines.find((l) => !current.has(l.variantId));
      if (unknown) {
        return {
          clientId: s.clientId,
          status: 'REJECTED',
          reason: `variant ${unknown.variantId} is not sold or priced in ${ctx.channel.channel}`,
          receiptNumber: null,
          orderId: null,
          flags: [],
          shortfalls: [],
        };
      }
      const key = `till:${till.id}:${s.clientId}`;
      const wanted = s.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity }));
      const sold = await sellWhatIsThere(ctx, service, key, wanted, till.locationId);
      const shortfalls = s.lines
        .map((l) => ({ variantId: l.variantId, quantity: l.quantity - (sold.units.get(l.variantId) ?? 0) }))
        .filter((x) => x.quantity > 0);
      const taxIncluded = ctx.channel.taxMode === 'INCLUSIVE';
      const asSold = s.lines.map((l) => {
        const c = current.get(l.variantId)!;
        const total = l.unitPrice * l.quantity;
        // The tax in (or on) the line at today's rate (rounded half up in divRound, the one rounding place).
        const tax =
          c.taxRateBp == null
            ? 0
            : taxIncluded
              ? Number(divRound(BigInt(total) * BigInt(c.taxRateBp), 10_000n + BigInt(c.taxRateBp)))
              : Number(divRound(BigInt(total) * BigInt(c.taxRateBp), 10_000n));
        return {
          variantId: l.variantId,
          sku: c.sku,
          quantity: l.quantity,
          unit: l.unitPrice,
          subtotal: total,
          discount: 0,
          total,
          tax,
          taxRateBp: c.taxRateBp,
        };
      });
      // Validated whole before the batch ran, so the discounts fit; they are honoured as given at the till.
      const applied = applyManualDiscounts(
        asSold,
        s.lines.map((l) => l.discount),
        s.discount,
        taxIncluded,
      );
      if (!applied.ok) throw new Error(`offline sale ${s.clientId}: a validated discount no longer fits`);
      const lines = applied.lines.map(({ manualDiscount, ...l }) => ({ ...l, discount: manualDiscount }));
      const approval =
        applied.manualDiscount > 0 && needsManagerApproval(policy, applied.before, applied.manualDiscount)
          ? await checkApproval(ctx, till, s.managerApproval, applied.manualDiscount, new Date(s.soldAt), false)
          : null;
      const net = lines.reduce((a, l) => a + l.total, 0);
      const tax = lines.reduce((a, l) => a + l.tax, 0);
      const total = ctx.channel.taxMode === 'INCLUSIVE' ? net : net + tax;
      const paid = checkTenders(total, s.tenders);
      const cash = s.tenders.filter((t) => t.method === 'CASH').reduce((a, t) => a + t.amount, 0);
      const card = s.tenders.filter((t) => t.method === 'CARD').reduce((a, t) => a + t.amount, 0);
      const priceChanged = s.lines.filter((l) => current.get(l.variantId)!.unit !== l.unitPrice);
      const flags = [
        ...(shortfalls.length ? ['STOCK_SHORTFALL'] : []),
        ...(priceChanged.length ? ['PRICE_CHANGED'] : []),
        ...(paid.ok ? [] : ['TENDER_MISMATCH']),
        ...(approval && !approval.ok ? ['DISCOUNT_NOT_APPROVED'] : []),
      ];
      await recordTillSale(ctx.db.db, {
        id: `tsl_${randomUUID().replaceAll('-', '')}`,
        orderId: `ord_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
        tillId: till.id,
        clientId: s.clientId,
        requestHash: hashOf(s),
        tillSessionId: session?.id ?? null,
        channel: ctx.channel.channel,
        locationId: till.locationId,
        cashierId: till.staffId,
        owner: `till:${till.id}`,
        reservationId: sold.reservationId,
        quote: { currency: ctx.channel.currency, taxIncluded, subtotal: applied.before, discountTotal: applied.manualDiscount, tax, total, lines },
        manualDiscount: applied.manualDiscount,
        approvedBy: approval?.ok ? { id: approval.managerId, name: approval.managerName } : null,
        tenders: s.tenders.map((t) => ({ method: t.method, amount: t.amount })),
        cashTaken: paid.ok ? paid.cashTaken : cash,
        cardTaken: paid.ok ? paid.cardTaken : card,
        change: paid.ok ? paid.change : 0,
        soldAt: new Date(s.soldAt),
        discrepancies: [
          ...shortfalls.map((x) => ({ kind: 'STOCK_SHORTFALL' as const, variantId: x.variantId, quantity: x.quantity, soldUnit: null, currentUnit: null })),
          ...priceChanged.map((l) => ({
            kind: 'PRICE_CHANGED' as const,
            variantId: l.variantId,
            quantity: l.quantity,
            soldUnit: l.unitPrice,
            currentUnit: current.get(l.variantId)!.unit,
          })),
          // Recorded against the sale's first line: sold_unit is the discount given, current_unit the threshold.
          ...(approval && !approval.ok
            ? [
                {
                  kind: 'DISCOUNT_NOT_APPROVED' as const,
                  variantId: s.lines[0]!.variantId,
                  quantity: 0,
                  soldUnit: applied.manualDiscount,
                  currentUnit: discountThreshold(policy, applied.before),
                },
              ]
            : []),
        ],
      });
      const [row] = await ctx.db.db
        .select({ orderId: tillSales.orderId, number: sql<string>`(select number from orders.orders o where o.id = ${tillSales.orderId})` })
        .from(tillSales)
        .where(and(eq(tillSales.tillId, till.id), eq(tillSales.clientId, s.clientId)));
      return { clientId: s.clientId, status: 'APPLIED', receiptNumber: row!.number, orderId: row!.orderId, flags, shortfalls };
    }
  }
}

/**
 * Sells the lines at the till's shop as far as its stock goes: all of them under the sale's key, or, when the
 * shop has fewer, what it has (under a second key naming those quantities). Answers the units sold per variant.
 */
async function sellWhatIsThere(ctx: OrdersContext, service: string, key: string, lines: { variantId: string; quantity: number }[], locationId: string) {
  const units = new Map<string, number>();
  const reserve = (k: string, ls: typeof lines) =>
    reserveStock(ctx.deps.stock, service, ctx.channel.requestId, k, ls, HOLD_SECONDS, null, locationId).catch((err) => {
      if (err instanceof GraphQLError && err.extensions.code === 'BAD_USER_INPUT' && err.extensions.argument === 'pickupLocationId')
        throw appError(Code.FORBIDDEN, "this till's shop does not sell this channel's stock");
      throw err;
    });
  let answer = await reserve(key, lines);
  if (answer.__typename === 'InsufficientStock') {
    const available = new Map(answer.lines.map((l) => [l.variant.id, Math.max(0, l.available)]));
    const part = lines
      .map((l) => ({ variantId: l.variantId, quantity: Math.min(l.quantity, available.get(l.variantId) ?? l.quantity) }))
      .filter((l) => l.quantity > 0);
    if (part.length === 0) return { units, reservationId: null };
    const partKey = createHash('sha256')
      .update(part.map((l) => `${l.variantId}=${l.quantity}`).join(','))
      .digest('hex')
      .slice(0, 16);
    answer = await reserve(`${key}:part:${partKey}`, part);
    // The shop sold out further meanwhile (another till): what is left is a shortfall too.
    if (answer.__typename === 'InsufficientStock') return { units, reservationId: null };
  }
  const confirmed = await confirmReservation(ctx.deps.stock, service, ctx.channel.requestId, answer.id);
  if (confirmed.__typename !== 'Reservation' && confirmed.status !== 'CONFIRMED') throw serviceUnavailable('stock');
  for (const l of answer.lines)
    units.set(
      l.variant.id,
      l.allocations.reduce((a, x) => a + x.quantity, 0),
    );
  return { units, reservationId: answer.id };
}
