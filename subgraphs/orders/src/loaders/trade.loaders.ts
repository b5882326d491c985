import DataLoader from 'dataloader';
import { sql } from 'drizzle-orm';
import { byKey, groupByKey } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { selectInvoices, type InvoiceRow } from '../services/invoice.queries.ts';

export type InvoicePaymentRow = {
  id: string;
  invoice_id: string;
  amount: string;
  currency: string;
  reference: string | null;
  recorded_at: Date;
};

export type SavedListLineRow = {
  list_id: string;
  variant_id: string;
  quantity: number;
};

export function createTradeLoaders(ctx: OrdersContext) {
  const { db } = ctx.db;
  return {
    /** The invoice of each order (the order is already one the caller may see). */
    invoiceOfOrder: new DataLoader<string, InvoiceRow | null>(async (orderIds) => {
      const rows = await db.execute<InvoiceRow>(selectInvoices(sql`o.id in ${[...orderIds]}`));
      return byKey(orderIds, [...rows], (r) => r.order_id!);
    }),
    paymentsOfInvoice: new DataLoader<string, InvoicePaymentRow[]>(async (ids) => {
      const rows = await db.execute<InvoicePaymentRow>(sql`
        select p.id::text, p.invoice_id::text, p.amount::text, i.currency, p.reference, p.recorded_at
        from orders.invoice_payments p join orders.invoices i on i.id = p.invoice_id
        where p.invoice_id in ${[...ids]} order by p.invoice_id, p.recorded_at, p.id`);
      return groupByKey(ids, [...rows], (r) => r.invoice_id);
    }),
    /** A saved list's lines in the order they were saved (the list is already one the caller may see). */
    linesOfSavedList: new DataLoader<string, SavedListLineRow[]>(async (ids) => {
      const rows = await db.execute<SavedListLineRow>(sql`
        select list_id::text, variant_id, quantity from orders.saved_list_lines where list_id in ${[...ids]} order by list_id, position`);
      return groupByKey(ids, [...rows], (r) => r.list_id);
    }),
  };
}
export type TradeLoaders = ReturnType<typeof createTradeLoaders>;
