import { asc, eq } from 'drizzle-orm';
import type { OrdersContext } from '../context.ts';
import { orderLines, orders, type tillSales } from '../db/tables.ts';
import { receiptText, type ReceiptData } from '../domain/till-receipt.format.ts';

export type TillSaleRow = typeof tillSales.$inferSelect;

/**
 * The receipt of a till sale, read back from its order and tenders (so a replayed request prints the same
 * receipt): structured figures plus the printable text. The receipt number is the order's number.
 */
export async function receiptOf(ctx: OrdersContext, sale: TillSaleRow) {
  const [order] = await ctx.db.db
    .select({
      number: orders.number,
      currency: orders.currency,
      taxIncluded: orders.taxIncluded,
      subtotal: orders.subtotal,
      discountTotal: orders.discountTotal,
      tax: orders.taxTotal,
      total: orders.total,
    })
    .from(orders)
    .where(eq(orders.id, sale.orderId));
  const lines = await ctx.db.db
    .select({
      lineNo: orderLines.lineNo,
      variantId: orderLines.variantId,
      sku: orderLines.sku,
      quantity: orderLines.quantity,
      unit: orderLines.unitAmount,
      discount: orderLines.discountTotal,
      tax: orderLines.tax,
      total: orderLines.lineTotal,
    })
    .from(orderLines)
    .where(eq(orderLines.orderId, sale.orderId))
    .orderBy(asc(orderLines.lineNo));
  const o = order!;
  const money = (amount: number) => ({ amount, currency: o.currency });
  const data: ReceiptData = {
    receiptNumber: o.number,
    channel: sale.channel,
    locationId: sale.locationId,
    tillId: sale.tillId,
    cashierId: sale.cashierId,
    soldAt: sale.soldAt.toISOString(),
    currency: o.currency,
    taxIncluded: o.taxIncluded,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unit, discount: l.discount, lineTotal: l.total })),
    subtotal: o.subtotal,
    discountTotal: o.discountTotal,
    tax: o.tax,
    total: o.total,
    tenders: sale.tenders.map((t) => ({ method: t.method, amount: t.amount })),
    change: sale.changeGiven,
    manualDiscount: sale.manualDiscount,
    approvedBy: sale.discountApproverName,
  };
  return {
    __typename: 'Receipt' as const,
    receiptNumber: o.number,
    orderId: sale.orderId,
    clientId: sale.clientId,
    tillId: sale.tillId,
    locationId: sale.locationId,
    cashierId: sale.cashierId,
    soldAt: data.soldAt,
    lines: lines.map((l) => ({
      lineNo: l.lineNo,
      variantId: l.variantId,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: money(l.unit),
      discount: money(l.discount),
      tax: money(l.tax),
      lineTotal: money(l.total),
    })),
    subtotal: money(o.subtotal),
    discountTotal: money(o.discountTotal),
    tax: money(o.tax),
    total: money(o.total),
    tenders: sale.tenders.map((t) => ({ method: t.method, amount: money(t.amount) })),
    change: money(sale.changeGiven),
    manualDiscount: money(sale.manualDiscount),
    discountApprovedBy: sale.discountApprovedBy ? { staffId: sale.discountApprovedBy, name: sale.discountApproverName ?? '' } : null,
    text: receiptText(data),
  };
}
