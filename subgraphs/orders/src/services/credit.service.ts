import { sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { creditPolicyOf, creditPosition } from './credit.repository.ts';
import { badInput } from './cart-input.validation.ts';
import { filterWhere, selectInvoices, type InvoiceFilter, type InvoiceRow } from './invoice.queries.ts';
import type { CreditPolicy } from '../domain/credit.rules.ts';

const COMPANY_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^[\x21-\x7e]{8,128}$/;
const REFERENCE_MAX = 140;

function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > 200) badInput('INVALID_FIRST', 'first must be from 1 to 200', 'first');
  return first;
}

/** A trade caller's company; admins and approvers see the company's credit, a buyer only their own invoices. */
function tradeCaller(ctx: OrdersContext) {
  const { channelKind, companyId, companyRole, customerId } = ctx.channel;
  if (channelKind !== 'B2B' || !companyId || !customerId) throw appError('FORBIDDEN', 'a trade buyer of a company only');
  return { companyId, customerId, manages: companyRole === 'ADMIN' || companyRole === 'APPROVER' };
}

function requireStaff(ctx: OrdersContext, channel: string, write: boolean) {
  const ok = staffCan(ctx.channel, 'order-admin', channel) || (!write && staffCan(ctx.channel, 'viewer', channel));
  if (!ok) throw appError('FORBIDDEN', `order-admin${write ? '' : ' or viewer'} on channel ${channel} only`);
}

/** The caller's company's credit on terms in this channel's currency; null when the company buys no terms here. */
export async function companyCredit(ctx: OrdersContext) {
  const { companyId, manages } = tradeCaller(ctx);
  if (!manages) throw appError('FORBIDDEN', "the company's admins and approvers only");
  const terms = ctx.channel.companyCredit;
  if (!terms || terms.currency !== ctx.channel.currency) return null;
  const { owed, overdue } = await creditPosition(ctx.db.db, companyId, terms.currency);
  return {
    companyId,
    termsDays: terms.termsDays,
    currency: terms.currency,
    limit: terms.creditLimit,
    owed,
    overdue,
    available: Math.max(0, terms.creditLimit - owed),
  };
}

export async function companyInvoices(ctx: OrdersContext, args: { filter: InvoiceFilter; first: number }): Promise<InvoiceRow[]> {
  const { companyId, customerId, manages } = tradeCaller(ctx);
  const mine = manages ? sql`true` : sql`o.customer_id = ${customerId}`;
  return [
    ...(await ctx.db.db.execute<InvoiceRow>(
      selectInvoices(sql`i.company_id = ${companyId} and ${mine} and ${filterWhere(args.filter)}`, pageSize(args.first)),
    )),
  ];
}

/** Staff: the channel they work in (the admin BFF's x-channel), optionally one company. */
export async function channelInvoices(ctx: OrdersContext, args: { companyId?: string | null; filter: InvoiceFilter; first: number }): Promise<InvoiceRow[]> {
  const channel = ctx.channel.channel;
  requireStaff(ctx, channel, false);
  if (args.companyId != null && !COMPANY_ID.test(args.companyId)) badInput('INVALID_ID', 'not a company id', 'companyId');
  const company = args.companyId == null ? sql`true` : sql`i.company_id = ${args.companyId}`;
  return [
    ...(await ctx.db.db.execute<InvoiceRow>(selectInvoices(sql`i.channel = ${channel} and ${company} and ${filterWhere(args.filter)}`, pageSize(args.first)))),
  ];
}

async function invoiceById(ctx: OrdersContext, id: string): Promise<InvoiceRow | null> {
  const [row] = await ctx.db.db.execute<InvoiceRow>(selectInvoices(sql`i.id = ${id}::uuid`));
  return row ?? null;
}

export type RecordPaymentResult = (InvoiceRow & { __typename: 'Invoice' }) | { __typename: 'PaymentExceedsBalance'; invoice: InvoiceRow; balance: number };

/**
 * Staff record a payment received against an invoice. One transaction under the invoice's row lock: the
 * key decides whether this entry was recorded already (then the invoice is answered as it is now), the
 * balance whether it fits. The company's credit is what its open invoices owe, so it is restored by this.
 */
export async function recordInvoicePayment(
  ctx: OrdersContext,
  input: { invoiceId: string; amount: number; reference?: string | null; idempotencyKey: string },
): Promise<RecordPaymentResult> {
  if (!UUID.test(input.invoiceId)) throw appError('NOT_FOUND', `no invoice ${input.invoiceId}`, { argument: 'invoiceId' });
  if (!KEY.test(input.idempotencyKey)) badInput('INVALID_KEY', '8 to 128 printable ASCII characters', 'idempotencyKey');
  if (input.amount <= 0) throw appError('BAD_USER_INPUT', 'a payment is more than 0', { reason: 'INVALID_AMOUNT', argument: 'amount' });
  if (input.reference != null && input.reference.length > REFERENCE_MAX) badInput('TOO_LONG', `at most ${REFERENCE_MAX} characters`, 'reference');
  const before = await invoiceById(ctx, input.invoiceId);
  // Another channel's invoice looks like none at all.
  if (!before || !staffCan(ctx.channel, 'order-admin', before.channel)) {
    if (before && staffCan(ctx.channel, 'viewer', before.channel)) requireStaff(ctx, before.channel, true);
    throw appError('NOT_FOUND', `no invoice ${input.invoiceId}`, { argument: 'invoiceId' });
  }
  const staffId = ctx.channel.staff!.id;
  const outcome = await ctx.db.db.transaction(async (tx) => {
    const [locked] = await tx.execute<{ amount: string; paid: string; status: string }>(sql`
      select amount::text, paid::text, status from orders.invoices where id = ${input.invoiceId}::uuid for update`);
    const [earlier] = await tx.execute<{ amount: string }>(sql`
      select amount::text from orders.invoice_payments where invoice_id = ${input.invoiceId}::uuid and idempotency_key = ${input.idempotencyKey}`);
    if (earlier) {
      if (Number(earlier.amount) !== input.amount) throw appError('IDEMPOTENCY_KEY_REUSED', 'this key recorded another amount on this invoice');
      return 'replayed' as const;
    }
    const balance = Number(locked!.amount) - Number(locked!.paid);
    if (locked!.status !== 'OPEN' || input.amount > balance) return { exceeds: locked!.status === 'OPEN' ? balance : 0 };
    await tx.execute(sql`
      insert into orders.invoice_payments (invoice_id, amount, reference, recorded_by, idempotency_key)
      values (${input.invoiceId}::uuid, ${input.amount}, ${input.reference ?? null}, ${staffId}, ${input.idempotencyKey})`);
    await tx.execute(sql`
      update orders.invoices set paid = paid + ${input.amount},
        status = case when paid + ${input.amount} = amount then 'PAID' else status end,
        closed_at = case when paid + ${input.amount} = amount then now() else closed_at end
      where id = ${input.invoiceId}::uuid`);
    return 'recorded' as const;
  });
  const now = (await invoiceById(ctx, input.invoiceId))!;
  if (typeof outcome === 'object') return { __typename: 'PaymentExceedsBalance', invoice: now, balance: outcome.exceeds };
  return { __typename: 'Invoice', ...now };
}

export async function companyCreditPolicy(ctx: OrdersContext, companyId: string): Promise<CreditPolicy & { companyId: string }> {
  requireStaff(ctx, ctx.channel.channel, false);
  if (!COMPANY_ID.test(companyId)) badInput('INVALID_ID', 'not a company id', 'companyId');
  return { companyId, ...(await creditPolicyOf(ctx.db.db, companyId)) };
}

export async function setCompanyCreditPolicy(ctx: OrdersContext, input: CreditPolicy & { companyId: string }) {
  requireStaff(ctx, ctx.channel.channel, true);
  if (!COMPANY_ID.test(input.companyId)) badInput('INVALID_ID', 'not a company id', 'companyId');
  await ctx.db.db.execute(sql`
    insert into orders.company_credit_policies (company_id, over_limit, block_when_overdue, updated_by)
    values (${input.companyId}, ${input.overLimit}, ${input.blockWhenOverdue}, ${ctx.channel.staff!.id})
    on conflict (company_id) do update set over_limit = excluded.over_limit, block_when_overdue = excluded.block_when_overdue,
      updated_by = excluded.updated_by, updated_at = now()`);
  return { companyId: input.companyId, overLimit: input.overLimit, blockWhenOverdue: input.blockWhenOverdue };
}
