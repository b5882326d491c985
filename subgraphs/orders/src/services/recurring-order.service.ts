import { sql } from 'drizzle-orm';
import { appError, type Address, type ChannelContext } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import type { PurchaseOrderRef } from '../db/tables.ts';
import { isIsoDate, type Cadence } from '../domain/recurring-schedule.rules.ts';
import { findCart } from './cart.service.ts';
import { badInput, checkedAddress, isUuid, mergeLines, assertCode } from './cart-input.validation.ts';
import { checkoutPurchaseOrder, type PurchaseOrderInput } from './purchase-order.service.ts';

export type ScheduleRow = {
  id: string;
  channel: string;
  company_id: string;
  customer_id: string;
  context: ChannelContext;
  name: string;
  cadence: Cadence;
  anchor_day: number;
  next_run: string;
  lines: { variantId: string; quantity: number }[];
  source: 'SAVED_LIST' | 'CART';
  email: string | null;
  shipping_address: Address;
  shipping_method: string;
  payment_provider: string;
  purchase_order: PurchaseOrderRef | null;
  status: 'ACTIVE' | 'PAUSED';
  paused_reason: string | null;
  failures: number;
  version: number;
};

export type RunRow = {
  schedule_id: string;
  run_date: string;
  attempt: number;
  status: 'RUNNING' | 'PLACED' | 'FAILED';
  outcome: string | null;
  order_id: string | null;
  approval_id: string | null;
  retry_at: Date | null;
  created_at: Date;
};

/** Payment a run can make with nobody present: on account or on terms (a card needs its holder). */
const UNATTENDED = new Set(['manual', 'terms']);
/** How far ahead a first run may be: a year. */
const MAX_AHEAD_MS = 366 * 86_400_000;

export const SCHEDULE_COLUMNS = sql`s.id::text, s.channel, s.company_id, s.customer_id, s.context, s.name, s.cadence, s.anchor_day,
  to_char(s.next_run, 'YYYY-MM-DD') as next_run, s.lines, s.source, s.email, s.shipping_address, s.shipping_method, s.payment_provider,
  s.purchase_order, s.status, s.paused_reason, s.failures, s.version`;

/** Members of a company see its schedules; only its admin sets them up, pauses, resumes or runs them. */
function member(ctx: OrdersContext, admin: boolean) {
  const { channelKind, companyId, customerId, companyRole, channel } = ctx.channel;
  if (channelKind !== 'B2B' || !companyId || !customerId) throw appError('FORBIDDEN', 'recurring orders are for trade buyers of a company');
  if (admin && companyRole !== 'ADMIN') throw appError('FORBIDDEN', "only the company's admin sets up and runs recurring orders");
  return { companyId, customerId, channel };
}

export async function companySchedule(ctx: OrdersContext, id: string, admin: boolean): Promise<ScheduleRow | null> {
  const me = member(ctx, admin);
  if (!isUuid(id)) return null;
  const [row] = await ctx.db.db.execute<ScheduleRow>(sql`
    select ${SCHEDULE_COLUMNS} from orders.recurring_orders s where s.id = ${id}::uuid and s.company_id = ${me.companyId} and s.channel = ${me.channel}`);
  return row ?? null;
}

export async function recurringOrders(ctx: OrdersContext): Promise<ScheduleRow[]> {
  const me = member(ctx, false);
  return [
    ...(await ctx.db.db.execute<ScheduleRow>(sql`
      select ${SCHEDULE_COLUMNS} from orders.recurring_orders s
      where s.company_id = ${me.companyId} and s.channel = ${me.channel} order by s.created_at, s.id limit 100`)),
  ];
}

/** The last attempts of a schedule's runs, newest first (what the company reads to see a failure). */
export async function runsOf(ctx: OrdersContext, scheduleId: string, first = 10): Promise<RunRow[]> {
  return [
    ...(await ctx.db.db.execute<RunRow>(sql`
      select schedule_id::text, to_char(run_date, 'YYYY-MM-DD') as run_date, attempt, status, outcome, order_id, approval_id, retry_at, created_at
      from orders.recurring_order_runs where schedule_id = ${scheduleId}::uuid order by run_date desc, attempt desc limit ${first}`)),
  ];
}

export interface CreateRecurringOrderInput {
  name: string;
  cadence: Cadence;
  firstRun: string;
  savedListId?: string | null;
  cartId?: string | null;
  shippingAddress?: Address | null;
  shippingMethod?: string | null;
  email?: string | null;
  paymentProvider: string;
  purchaseOrder?: PurchaseOrderInput | null;
}

/** The lines, address and method a schedule starts from: a list the admin may see, or a cart of theirs. */
async function sourceOf(ctx: OrdersContext, input: CreateRecurringOrderInput) {
  const me = member(ctx, true);
  if ((input.savedListId == null) === (input.cartId == null)) badInput('ONE_SOURCE', 'give savedListId or cartId, not both', 'input');
  if (input.cartId != null) {
    const cart = await findCart(ctx, input.cartId);
    if (cart?.status !== 'ACTIVE') throw appError('NOT_FOUND', `no cart ${input.cartId}`, { argument: 'input.cartId' });
    const lines = await ctx.db.db.execute<{ variantId: string; quantity: number }>(sql`
      select variant_id as "variantId", quantity from orders.cart_lines where cart_id = ${cart.id}::uuid order by variant_id`);
    return { source: 'CART' as const, lines: [...lines], address: cart.shippingAddress, method: cart.shippingMethod, email: cart.email };
  }
  const id = input.savedListId!;
  const lines = isUuid(id)
    ? await ctx.db.db.execute<{ variantId: string; quantity: number }>(sql`
        select l.variant_id as "variantId", l.quantity from orders.saved_list_lines l join orders.saved_lists s on s.id = l.list_id
        where s.id = ${id}::uuid and s.company_id = ${me.companyId} and s.channel = ${me.channel} and (s.owner = ${me.customerId} or s.shared)
        order by l.position`)
    : [];
  if (lines.length === 0) throw appError('NOT_FOUND', `no saved list ${id}`, { argument: 'input.savedListId' });
  return { source: 'SAVED_LIST' as const, lines: [...lines], address: null, method: null, email: null };
}

/**
 * The company admin sets up a schedule. Its lines are a snapshot (a later change to the list or cart does not
 * change it); each run orders them at that day's prices, for this admin, in this channel.
 */
export async function createRecurringOrder(ctx: OrdersContext, input: CreateRecurringOrderInput): Promise<ScheduleRow> {
  const me = member(ctx, true);
  const name = input.name.trim();
  if (name.length < 1 || name.length > 80) badInput('INVALID_NAME', 'a name is 1 to 80 characters', 'input.name');
  if (!isIsoDate(input.firstRun)) badInput('INVALID_DATE', 'firstRun is a date, YYYY-MM-DD', 'input.firstRun');
  const today = new Date().toISOString().slice(0, 10);
  if (input.firstRun < today || new Date(input.firstRun).getTime() > Date.now() + MAX_AHEAD_MS)
    badInput('INVALID_DATE', 'firstRun is from today (UTC) to a year ahead', 'input.firstRun');
  assertCode(input.paymentProvider, 'input.paymentProvider');
  if (!UNATTENDED.has(input.paymentProvider)) badInput('UNATTENDED_PAYMENT', 'a recurring order pays on account (manual) or on terms', 'input.paymentProvider');
  const src = await sourceOf(ctx, input);
  const address = checkedAddress(input.shippingAddress ?? src.address, 'input.shippingAddress');
  const method = input.shippingMethod ?? src.method;
  if (!address || !method) badInput('SHIPPING_REQUIRED', 'a recurring order needs a shipping address and method', 'input.shippingAddress');
  assertCode(method, 'input.shippingMethod');
  const purchaseOrder = await checkoutPurchaseOrder(ctx, input.purchaseOrder);
  const lines = [...mergeLines(src.lines)].map(([variantId, quantity]) => ({ variantId, quantity }));
  const { staff: _staff, ...context } = ctx.channel;
  const [row] = await ctx.db.db.execute<{ id: string }>(sql`
    insert into orders.recurring_orders (channel, company_id, customer_id, context, name, cadence, anchor_day, next_run, lines, source,
      email, shipping_address, shipping_method, payment_provider, purchase_order)
    values (${me.channel}, ${me.companyId}, ${me.customerId}, ${JSON.stringify(context)}::jsonb, ${name}, ${input.cadence},
      ${Number(input.firstRun.slice(8, 10))}, ${input.firstRun}::date, ${JSON.stringify(lines)}::jsonb, ${src.source},
      ${input.email ?? src.email ?? null}, ${JSON.stringify(address)}::jsonb, ${method}, ${input.paymentProvider},
      ${purchaseOrder ? JSON.stringify(purchaseOrder) : null}::jsonb)
    returning id::text`);
  return (await companySchedule(ctx, row!.id, true))!;
}

/** Pause or resume. Resuming starts the failure count afresh (the admin has dealt with the cause). */
export async function setRecurringOrderStatus(ctx: OrdersContext, id: string, status: 'ACTIVE' | 'PAUSED'): Promise<ScheduleRow> {
  const schedule = await companySchedule(ctx, id, true);
  if (!schedule) throw appError('NOT_FOUND', `no recurring order ${id}`, { argument: 'id' });
  await ctx.db.db.execute(sql`
    update orders.recurring_orders set status = ${status}, version = version + 1, updated_at = now(),
      paused_reason = ${status === 'PAUSED' ? 'paused by the company admin' : null},
      failures = case when ${status} = 'ACTIVE' then 0 else failures end
    where id = ${schedule.id}::uuid`);
  return (await companySchedule(ctx, id, true))!;
}
