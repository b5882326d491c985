import { sql, type SQL } from 'drizzle-orm';

/** An invoice as the API shows it: the order it bills (placed orders only) and its purchase order. */
export type InvoiceRow = {
  id: string;
  number: string;
  order_id: string | null;
  company_id: string;
  channel: string;
  currency: string;
  amount: string;
  paid: string;
  status: 'OPEN' | 'PAID' | 'VOID';
  issued_at: Date;
  due_at: Date;
  overdue: boolean;
  purchase_order: string | null;
  cost_centre: string | null;
};

export type InvoiceFilter = 'OPEN' | 'OVERDUE' | 'PAID' | 'VOID' | 'ALL';

/** Invoices of placed orders only: a checkout still under way holds credit, but bills nothing yet. */
export function selectInvoices(where: SQL, limit?: number): SQL {
  return sql`
    select i.id::text, i.number, o.id as order_id, i.company_id, i.channel, i.currency, i.amount::text, i.paid::text, i.status,
      i.issued_at, i.due_at, (i.status = 'OPEN' and i.due_at < now()) as overdue, o.purchase_order, o.cost_centre
    from orders.invoices i join orders.orders o on o.checkout_id = i.checkout_id
    where ${where}
    order by i.issued_at desc, i.id desc
    ${limit == null ? sql`` : sql`limit ${limit}`}`;
}

export function filterWhere(filter: InvoiceFilter): SQL {
  switch (filter) {
    case 'ALL':
      return sql`true`;
    case 'OVERDUE':
      return sql`i.status = 'OPEN' and i.due_at < now()`;
    default:
      return sql`i.status = ${filter}`;
  }
}
