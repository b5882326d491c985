import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { appError, Code, divRound } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { signCheckoutContext } from '../clients/service-context.ts';
import { tillSales, tillSessions } from '../db/tables.ts';
import { checkTenders } from '../domain/till-tenders.rules.ts';
import { applyManualDiscounts, discountThreshold, needsManagerApproval } from '../domain/till-discount.rules.ts';
import { checkApproval } from './till-discount.service.ts';
import { type OfflineCustomer, offlineCustomers } from './till-offline-customer.service.ts';
import { tillDiscountPolicyOf } from './till-discount-policy.service.ts';
import { hashOf, type OfflineSaleInput, validateOfflineBatch } from './till-offline.validation.ts';
import { currentPrices, type PriceBook } from './till-offline-prices.service.ts';
import { sellOfflineLines } from './till-offline-stock.service.ts';
import { requireTill } from './till-session.service.ts';
import { recordTillSale } from './till-sale.writer.ts';

export type { OfflineSaleInput };

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

/**
 * Offline sales posted as a batch: each applied exactly once per (till, client id), whoever posts it and however
 * often. One till's batches run one at a time (a transaction-scoped advisory lock on the till), so a batch posted
 * by two connections at once is applied by the first and answered ALREADY_APPLIED by the second. The goods have
 * left the shop, so a sale is never dropped for want of stock: what the shop's stock still has is sold as SALE
 * movements there, and the rest is a recorded shortfall (stock's on-hand never goes below zero) flagged for staff
 * (STOCK_SHORTFALL); a unit price that changed since the till's snapshot is honoured as sold and flagged
 * (PRICE_CHANGED). A sale of a variant the channel does not sell or price is REJECTED and applies nothing.
 * A customer the till attached is proved by the ticket it was issued for them online (till-offline-customer): a
 * customer of the channel's realm is recorded on the order (their order history) and compared at their group's
 * prices; a ticket that proves no such customer lands the sale without one, flagged CUSTOMER_UNKNOWN alike for
 * every reason (the goods have left, so it is never dropped).
 */
export async function postOfflineSales(ctx: OrdersContext, sales: OfflineSaleInput[]) {
  const till = requireTill(ctx);
  validateOfflineBatch(ctx, sales);
  const deps = [ctx.deps.stock, ctx.deps.prices, ...(sales.some((s) => s.customerTicket) ? [ctx.deps.customers] : [])];
  for (const dep of deps) if (!dep.guard.closed) throw serviceUnavailable(dep.guard.service);
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
    const service = await signCheckoutContext(ctx.channel, ctx.deps.contextSecret);
    // The customers the batch's tickets prove, asked once: a known one is recorded on the order, with their group's prices.
    const customers = await offlineCustomers(ctx, service, till.id, todo);
    const customerOf = (s: OfflineSaleInput): OfflineCustomer => customers.get(s.clientId) ?? { customerId: null, group: null, flagged: false, namedId: null };
    const groupOf = (s: OfflineSaleInput) => customerOf(s).group;
    // Today's prices and tax rates, one quote per customer group the batch sells to (most batches: one, no group).
    const books = new Map<string | null, PriceBook>();
    for (const group of new Set(todo.map(groupOf))) {
      const variants = [...new Set(todo.filter((s) => groupOf(s) === group).flatMap((s) => s.lines.map((l) => l.variantId)))];
      books.set(group, await currentPrices(ctx, variants, group));
    }
    const [session] = await ctx.db.db
      .select({ id: tillSessions.id })
      .from(tillSessions)
      .where(and(eq(tillSessions.tillId, till.id), isNull(tillSessions.closedAt)));
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
      const current = books.get(groupOf(s))!.current;
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
      const wanted = s.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity }));
      const sold = await sellOfflineLines(ctx, service, till, s.clientId, wanted);
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
      const { customerId, flagged: customerUnknown, namedId } = customerOf(s);
      const flags = [
        ...(shortfalls.length ? ['STOCK_SHORTFALL'] : []),
        ...(priceChanged.length ? ['PRICE_CHANGED'] : []),
        ...(paid.ok ? [] : ['TENDER_MISMATCH']),
        ...(approval && !approval.ok ? ['DISCOUNT_NOT_APPROVED'] : []),
        ...(customerUnknown ? ['CUSTOMER_UNKNOWN'] : []),
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
        customerId,
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
          // Recorded against the sale's first line, with the customer a valid ticket named (null: it proved nobody).
          ...(customerUnknown
            ? [
                {
                  kind: 'CUSTOMER_UNKNOWN' as const,
                  variantId: s.lines[0]!.variantId,
                  quantity: 0,
                  soldUnit: null,
                  currentUnit: null,
                  customerId: namedId,
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
