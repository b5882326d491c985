import type { OrdersContext } from '../context.ts';
import type { InvoicePaymentRow } from '../loaders/trade.loaders.ts';
import {
  channelInvoices,
  companyCredit,
  companyCreditPolicy,
  companyInvoices,
  recordInvoicePayment,
  setCompanyCreditPolicy,
} from '../services/credit.service.ts';
import type { InvoiceFilter, InvoiceRow } from '../services/invoice.queries.ts';
import type { CreditPolicy } from '../domain/credit.rules.ts';

type Ctx = OrdersContext;
const money = (amount: number | string, currency: string) => ({ amount: Number(amount), currency });

export const creditResolvers = {
  Query: {
    companyCredit: (_: unknown, __: unknown, ctx: Ctx) => companyCredit(ctx),
    companyInvoices: (_: unknown, args: { filter: InvoiceFilter; first: number }, ctx: Ctx) => companyInvoices(ctx, args),
    invoices: (_: unknown, args: { companyId?: string | null; filter: InvoiceFilter; first: number }, ctx: Ctx) => channelInvoices(ctx, args),
    companyCreditPolicy: (_: unknown, args: { companyId: string }, ctx: Ctx) => companyCreditPolicy(ctx, args.companyId),
  },
  Mutation: {
    recordInvoicePayment: (_: unknown, args: { input: Parameters<typeof recordInvoicePayment>[1] }, ctx: Ctx) => recordInvoicePayment(ctx, args.input),
    setCompanyCreditPolicy: (_: unknown, args: { input: CreditPolicy & { companyId: string } }, ctx: Ctx) => setCompanyCreditPolicy(ctx, args.input),
  },
  Invoice: {
    // The caller may see the invoice, so they may see the order it bills.
    order: (i: InvoiceRow, _: unknown, ctx: Ctx) => (i.order_id ? ctx.loaders.orderForShipment.load(i.order_id) : null),
    companyId: (i: InvoiceRow) => i.company_id,
    amount: (i: InvoiceRow) => money(i.amount, i.currency),
    paid: (i: InvoiceRow) => money(i.paid, i.currency),
    balance: (i: InvoiceRow) => money(i.status === 'OPEN' ? Number(i.amount) - Number(i.paid) : 0, i.currency),
    issuedAt: (i: InvoiceRow) => new Date(i.issued_at).toISOString(),
    dueAt: (i: InvoiceRow) => new Date(i.due_at).toISOString(),
    purchaseOrder: (i: InvoiceRow) => (i.purchase_order || i.cost_centre ? { number: i.purchase_order, costCentre: i.cost_centre } : null),
    payments: (i: InvoiceRow, _: unknown, ctx: Ctx) => ctx.loaders.paymentsOfInvoice.load(i.id),
  },
  InvoicePayment: {
    amount: (p: InvoicePaymentRow) => money(p.amount, p.currency),
    recordedAt: (p: InvoicePaymentRow) => new Date(p.recorded_at).toISOString(),
  },
  CompanyCredit: {
    limit: (c: { limit: number; currency: string }) => money(c.limit, c.currency),
    owed: (c: { owed: number; currency: string }) => money(c.owed, c.currency),
    available: (c: { available: number; currency: string }) => money(c.available, c.currency),
    overdue: (c: { overdue: number; currency: string }) => money(c.overdue, c.currency),
  },
  CreditLimitExceeded: {
    available: (r: { available: number; currency: string }) => money(r.available, r.currency),
    required: (r: { required: number; currency: string }) => money(r.required, r.currency),
  },
  InvoicesOverdue: { overdue: (r: { overdue: number; currency: string }) => money(r.overdue, r.currency) },
  PaymentExceedsBalance: { balance: (r: { balance: number; invoice: InvoiceRow }) => money(r.balance, r.invoice.currency) },
  RecordInvoicePaymentResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  orderInvoice: (o: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.invoiceOfOrder.load(o.id),
};
