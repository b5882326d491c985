import { and, eq, sql } from 'drizzle-orm';
import type { OrdersContext } from '../context.ts';
import { tillReturns, tillSales, type tillSessions } from '../db/tables.ts';
import { type TillReportData, tillReportText } from '../domain/till-report.format.ts';

type TillSessionRow = typeof tillSessions.$inferSelect;

/**
 * The X (session open: a read mid-shift) or Z (session closed by CloseTillSession) report of one till session, in
 * one statement over its sales and their orders: sales and tax, discounts (all, and those taken by hand), takings
 * by tender (cash as kept: tendered minus change), and the drawer's cash expected against the count. Refunds by
 * tender are empty until till returns exist: nothing in a session can refund yet.
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
    ],
    refundsByTender: [
      { method: 'CASH', count: r.cashCount, amount: r.cash },
      { method: 'CARD', count: r.cardCount, amount: r.card },
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

/** The session's paid till returns by tender, in one statement (a PENDING or VOIDED return paid nothing back). */
export async function sessionRefunds(ctx: OrdersContext, sessionId: string) {
  const [r] = await ctx.db.db
    .select({
      cash: sql<string>`coalesce(sum(${tillReturns.cashRefunded}), 0)`,
      cashCount: sql<number>`(count(*) filter (where ${tillReturns.cashRefunded} > 0))::int`,
      card: sql<string>`coalesce(sum(${tillReturns.cardRefunded}), 0)`,
      cardCount: sql<number>`(count(*) filter (where ${tillReturns.cardRefunded} > 0))::int`,
    })
    .from(tillReturns)
    .where(and(eq(tillReturns.tillSessionId, sessionId), eq(tillReturns.status, 'REFUNDED')));
  return { cash: Number(r!.cash), cashCount: r!.cashCount, card: Number(r!.card), cardCount: r!.cardCount };
}
