import { and, eq, sql } from 'drizzle-orm';
import type { OrdersContext } from '../context.ts';
import { tillCreditReturns, tillReturns, tillSales, type tillSessions } from '../db/tables.ts';
import { type TillReportData, tillReportText } from '../domain/till-report.format.ts';

type TillSessionRow = typeof tillSessions.$inferSelect;

/**
 * The X (session open: a read mid-shift) or Z (session closed by CloseTillSession) report of one till session, in
 * one statement over its sales and their orders: sales and tax, discounts (all, and those taken by hand), takings
 * by tender (cash as kept: tendered minus change; store credit when some was spent), refunds by tender, and the
 * drawer's cash expected against the count.
 */
export async function tillReport(ctx: OrdersContext, session: TillSessionRow) {
  const [t] = await ctx.db.db
    .select({
      sales: sql<number>`count(*)::int`,
      gross: sql<string>`coalesce(sum(o.total), 0)`,
      tax: sql<string>`coalesce(sum(o.tax_total), 0)`,
      discounts: sql<string>`coalesce(sum(o.discount_total), 0)`,
      manual: sql<string>`coalesce(sum(${tillSales.manualDiscount}), 0)`,
      cash: sql<string>`coalesce(sum(${tillSales.cashTaken}), 0)`,
      cashCount: sql<number>`(count(*) filter (where ${tillSales.cashTaken} > 0))::int`,
      card: sql<string>`coalesce(sum(${tillSales.cardTaken}), 0)`,
      cardCount: sql<number>`(count(*) filter (where ${tillSales.cardTaken} > 0))::int`,
      credit: sql<string>`coalesce(sum(${creditIn(tillSales.tenders)}), 0)`,
      creditCount: sql<number>`(count(*) filter (where ${creditIn(tillSales.tenders)} > 0))::int`,
    })
    .from(tillSales)
    .innerJoin(sql`orders.orders o`, sql`o.id = ${tillSales.orderId}`)
    .where(eq(tillSales.tillSessionId, session.id));
  const r = await sessionRefunds(ctx, session.id);
  const cash = Number(t!.cash);
  const expected = session.openingFloat + cash - r.cash;
  const data: TillReportData = {
    kind: session.closedAt ? 'Z' : 'X',
    sessionId: session.id,
    tillId: session.tillId,
    locationId: session.locationId,
    currency: session.currency,
    openedAt: session.openedAt.toISOString(),
    closedAt: session.closedAt?.toISOString() ?? null,
    takenAt: new Date().toISOString(),
    salesCount: t!.sales,
    grossSales: Number(t!.gross),
    tax: Number(t!.tax),
    discounts: Number(t!.discounts),
    manualDiscounts: Number(t!.manual),
    byTender: [
      { method: 'CASH', count: t!.cashCount, amount: cash },
      { method: 'CARD', count: t!.cardCount, amount: Number(t!.card) },
      ...(t!.creditCount > 0 ? [{ method: 'STORE_CREDIT', count: t!.creditCount, amount: Number(t!.credit) }] : []),
    ],
    refundsByTender: [
      { method: 'CASH', count: r.cashCount, amount: r.cash },
      { method: 'CARD', count: r.cardCount, amount: r.card },
      ...(r.creditCount > 0 ? [{ method: 'STORE_CREDIT', count: r.creditCount, amount: r.credit }] : []),
    ],
    openingFloat: session.openingFloat,
    cashExpected: expected,
    cashCounted: session.countedCash,
    cashDifference: session.countedCash === null ? null : session.countedCash - expected,
  };
  const money = (amount: number) => ({ amount, currency: session.currency });
  return {
    kind: data.kind,
    sessionId: data.sessionId,
    takenAt: data.takenAt,
    salesCount: data.salesCount,
    grossSales: money(data.grossSales),
    tax: money(data.tax),
    discounts: money(data.discounts),
    manualDiscounts: money(data.manualDiscounts),
    salesByTender: data.byTender.map((b) => ({ method: b.method, count: b.count, amount: money(b.amount) })),
    refundsByTender: data.refundsByTender!.map((b) => ({ method: b.method, count: b.count, amount: money(b.amount) })),
    openingFloat: money(data.openingFloat),
    cashExpected: money(data.cashExpected),
    cashCounted: data.cashCounted === null ? null : money(data.cashCounted),
    cashDifference: data.cashDifference === null ? null : money(data.cashDifference),
    text: tillReportText(data),
  };
}

/** The STORE_CREDIT part of a tenders or refunds jsonb array (0 when none). */
const creditIn = (tenders: unknown) =>
  sql`coalesce((select sum((e->>'amount')::bigint) from jsonb_array_elements(${tenders}) e where e->>'method' = 'STORE_CREDIT'), 0)`;

/**
 * The session's paid till returns by tender (a PENDING or VOIDED return paid nothing back). Store credit is paid
 * back by receipted returns of credit-paid sales and issued by returns without a receipt; cash and card are not.
 * Cash and card always appear; store credit only when the session had some.
 */
export async function sessionRefunds(ctx: OrdersContext, sessionId: string) {
  const [r] = await ctx.db.db
    .select({
      cash: sql<string>`coalesce(sum(${tillReturns.cashRefunded}), 0)`,
      cashCount: sql<number>`(count(*) filter (where ${tillReturns.cashRefunded} > 0))::int`,
      card: sql<string>`coalesce(sum(${tillReturns.cardRefunded}), 0)`,
      cardCount: sql<number>`(count(*) filter (where ${tillReturns.cardRefunded} > 0))::int`,
      credit: sql<string>`coalesce(sum(${creditIn(tillReturns.refunds)}), 0)`,
      creditCount: sql<number>`(count(*) filter (where ${creditIn(tillReturns.refunds)} > 0))::int`,
    })
    .from(tillReturns)
    .where(and(eq(tillReturns.tillSessionId, sessionId), eq(tillReturns.status, 'REFUNDED')));
  const [issued] = await ctx.db.db
    .select({ amount: sql<string>`coalesce(sum(${tillCreditReturns.total}), 0)`, count: sql<number>`count(*)::int` })
    .from(tillCreditReturns)
    .where(eq(tillCreditReturns.tillSessionId, sessionId));
  return {
    cash: Number(r!.cash),
    cashCount: r!.cashCount,
    card: Number(r!.card),
    cardCount: r!.cardCount,
    credit: Number(r!.credit) + Number(issued!.amount),
    creditCount: r!.creditCount + issued!.count,
  };
}
