import { sql, type SQL } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { findCart } from './cart.service.ts';
import { badInput, isUuid } from './cart-input.validation.ts';

/** What a reader of a quote sees; status is the stored one made current (expired, ordered) by `QUOTE_VIEW`. */
export type QuoteRow = {
  id: string;
  channel: string;
  company_id: string;
  requested_by: string;
  cart_id: string;
  currency: string;
  status: 'REQUESTED' | 'PROPOSED' | 'EXPIRED' | 'REJECTED' | 'ORDERING' | 'ORDERED';
  note: string | null;
  reason: string | null;
  expires_at: Date | null;
  order_id: string | null;
  version: number;
  created_at: Date;
  lines: { variantId: string; quantity: number; unit: number | null }[];
};

const NOTE_MAX = 500;
/** A proposal is good for at most 90 days: long enough for a procurement cycle, short enough to re-price. */
const MAX_VALID_MS = 90 * 86_400_000;

/**
 * One quote with its lines in one statement: a list of 50 quotes is one query. A PROPOSED quote past its
 * expiry reads EXPIRED; a quote held by a checkout that completed reads ORDERED, with the order's id.
 */
const QUOTE_VIEW = sql`
  select q.id::text, q.channel, q.company_id, q.requested_by, q.cart_id::text, q.currency, q.note, q.reason, q.expires_at,
    q.version, q.created_at,
    case when q.status = 'PROPOSED' and q.expires_at <= now() then 'EXPIRED'
         when q.status = 'ORDERING' and k.status = 'COMPLETED' then 'ORDERED' else q.status end as status,
    case when k.status = 'COMPLETED' then k.result->>'orderId' end as order_id,
    coalesce((select jsonb_agg(jsonb_build_object('variantId', l.variant_id, 'quantity', l.quantity, 'unit', l.unit_amount) order by l.variant_id)
      from orders.quote_lines l where l.quote_id = q.id), '[]'::jsonb) as lines
  from orders.quotes q left join orders.checkouts k on k.id = q.checkout_id`;

/** Trade buyers of a company; only buyers and company admins ask for prices (approvers approve, they do not buy). */
function buyer(ctx: OrdersContext) {
  const { channelKind, companyId, customerId, companyRole, channel } = ctx.channel;
  if (channelKind !== 'B2B' || !companyId || !customerId) throw appError('FORBIDDEN', 'quotes are for trade buyers of a company');
  return { companyId, customerId, channel, role: companyRole ?? 'BUYER' };
}

/** A buyer sees the quotes they asked for; their company's admin sees every quote of the company; nobody another company's. */
function visibleTo(ctx: OrdersContext): SQL {
  const me = buyer(ctx);
  const own = me.role === 'ADMIN' ? sql`true` : sql`q.requested_by = ${me.customerId}`;
  return sql`q.company_id = ${me.companyId} and q.channel = ${me.channel} and ${own}`;
}

async function select(ctx: OrdersContext, where: SQL, tail: SQL = sql``): Promise<QuoteRow[]> {
  return [...(await ctx.db.db.execute<QuoteRow>(sql`${QUOTE_VIEW} where ${where} ${tail}`))];
}

function assertFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > 200) badInput('INVALID_FIRST', 'first must be from 1 to 200', 'first');
}

/** A buyer asks for prices on their cart as it is now: its lines are copied to the quote (the cart stays usable). */
export async function requestQuote(ctx: OrdersContext, cartId: string, note?: string | null): Promise<QuoteRow> {
  const me = buyer(ctx);
  if (me.role === 'APPROVER') throw appError('FORBIDDEN', 'an approver does not ask for quotes; a buyer or the company admin does');
  const text = note?.trim() || null;
  if (text && text.length > NOTE_MAX) badInput('INVALID_NOTE', `a note is at most ${NOTE_MAX} characters`, 'note');
  const cart = await findCart(ctx, cartId);
  if (cart?.status !== 'ACTIVE') throw appError('NOT_FOUND', `no cart ${cartId}`, { argument: 'cartId' });
  const [row] = await ctx.db.db.execute<{ id: string; lines: number }>(sql`
    with quote as (
      insert into orders.quotes (channel, company_id, requested_by, cart_id, currency, note)
      select ${me.channel}, ${me.companyId}, ${me.customerId}, ${cart.id}::uuid, ${cart.currency}, ${text}
      where exists (select 1 from orders.cart_lines where cart_id = ${cart.id}::uuid)
      returning id),
    copied as (
      insert into orders.quote_lines (quote_id, variant_id, quantity)
      select quote.id, l.variant_id, l.quantity from quote, orders.cart_lines l where l.cart_id = ${cart.id}::uuid
      returning 1),
    announced as (
      insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data)
      select 'quote.requested', ${me.channel}, quote.id::text, 1, jsonb_build_object('quoteId', quote.id::text, 'companyId', ${me.companyId}::text,
        'requestedBy', ${me.customerId}::text, 'cartId', ${cart.id}::text, 'lines', (select jsonb_agg(jsonb_build_object('variantId', l.variant_id,
        'quantity', l.quantity) order by l.variant_id) from orders.cart_lines l where l.cart_id = ${cart.id}::uuid))
      from quote)
    select (select id::text from quote) as id, (select count(*) from copied)::int as lines`);
  if (!row?.id) badInput('EMPTY_CART', 'a quote is asked for a cart with lines', 'cartId');
  return (await quoteById(ctx, row.id))!;
}

export async function quoteById(ctx: OrdersContext, id: string): Promise<QuoteRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await select(ctx, sql`q.id = ${id}::uuid`);
  if (!row) return null;
  if (ctx.channel.staff) return staffCan(ctx.channel, 'order-admin', row.channel) || staffCan(ctx.channel, 'viewer', row.channel) ? row : null;
  const [mine] = await select(ctx, sql`q.id = ${id}::uuid and ${visibleTo(ctx)}`);
  return mine ?? null;
}

/** The buyer's quotes (a company admin: the company's), newest first. */
export async function myQuotes(ctx: OrdersContext, first: number): Promise<QuoteRow[]> {
  assertFirst(first);
  return select(ctx, visibleTo(ctx), sql`order by q.created_at desc, q.id limit ${first}`);
}

const STATUSES = new Set(['REQUESTED', 'PROPOSED', 'EXPIRED', 'REJECTED', 'ORDERING', 'ORDERED']);

/** Staff of a channel (order-admin or viewer on it): its quote requests, oldest first, the work to do next. */
export async function quoteRequests(ctx: OrdersContext, args: { channel: string; statuses?: string[] | null; first: number }): Promise<QuoteRow[]> {
  if (!staffCan(ctx.channel, 'order-admin', args.channel) && !staffCan(ctx.channel, 'viewer', args.channel)) {
    throw appError('FORBIDDEN', `order-admin or viewer on ${args.channel} is required`);
  }
  assertFirst(args.first);
  const statuses = args.statuses ?? ['REQUESTED'];
  if (statuses.length === 0 || !statuses.every((s) => STATUSES.has(s))) badInput('INVALID_STATUS', 'unknown quote status', 'statuses');
  return [
    ...(await ctx.db.db.execute<QuoteRow>(sql`
      select * from (${QUOTE_VIEW} where q.channel = ${args.channel}) v
      where v.status in ${statuses} order by v.created_at, v.id limit ${args.first}`)),
  ];
}

export interface ProposeQuoteInput {
  id: string;
  expectedVersion?: number | null;
  expiresAt: string;
  lines: { variantId: string; unitPrice: { amount: number; currency: string } }[];
}

/** The quote if the caller is order-admin on its channel; anyone else is told there is none. */
async function staffQuote(ctx: OrdersContext, id: string): Promise<QuoteRow> {
  const quote = isUuid(id) ? (await select(ctx, sql`q.id = ${id}::uuid`))[0] : undefined;
  if (!quote || !staffCan(ctx.channel, 'order-admin', quote.channel)) throw appError('NOT_FOUND', `no quote ${id}`, { argument: 'id' });
  return quote;
}

/**
 * Staff price every line of a requested (or re-price a proposed, not yet ordered) quote, good until expiresAt.
 * The update is fenced on the status (and version, if given), so a quote a checkout holds is never re-priced.
 */
export async function proposeQuote(ctx: OrdersContext, input: ProposeQuoteInput): Promise<QuoteRow> {
  const quote = await staffQuote(ctx, input.id);
  const expires = new Date(input.expiresAt);
  if (Number.isNaN(expires.getTime())) badInput('INVALID_EXPIRY', 'expiresAt is an ISO 8601 time', 'input.expiresAt');
  if (expires.getTime() <= Date.now() || expires.getTime() > Date.now() + MAX_VALID_MS)
    badInput('INVALID_EXPIRY', 'expiresAt is in the future, at most 90 days ahead', 'input.expiresAt');
  const prices = new Map<string, number>();
  for (const l of input.lines) {
    const { amount, currency } = l.unitPrice;
    if (!Number.isSafeInteger(amount) || amount < 0) badInput('INVALID_AMOUNT', 'a unit price is a non-negative integer of minor units', 'input.lines');
    if (currency !== quote.currency) badInput('INVALID_CURRENCY', `this quote is in ${quote.currency}`, 'input.lines');
    if (prices.has(l.variantId)) badInput('DUPLICATE_LINE', `${l.variantId} is priced twice`, 'input.lines');
    prices.set(l.variantId, amount);
  }
  const quoted = quote.lines.map((l) => l.variantId);
  if (prices.size !== quoted.length || !quoted.every((v) => prices.has(v)))
    badInput('LINES_MISMATCH', `price exactly the quote's ${quoted.length} lines`, 'input.lines');
  if (input.expectedVersion != null && input.expectedVersion !== quote.version)
    throw appError('CONFLICT', 'the quote changed since it was read', { reason: 'QUOTE_VERSION', version: quote.version });
  const units = JSON.stringify([...prices].map(([v, unit]) => ({ v, unit })));
  const proposal = {
    quoteId: quote.id,
    companyId: quote.company_id,
    expiresAt: expires.toISOString(),
    lines: quote.lines.map((l) => ({
      variantId: l.variantId,
      quantity: l.quantity,
      unitPrice: { amount: prices.get(l.variantId)!, currency: quote.currency },
    })),
  };
  const [moved] = await ctx.db.db.execute<{ id: string }>(sql`
    with moved as (
      update orders.quotes set status = 'PROPOSED', expires_at = ${expires.toISOString()}::timestamptz, proposed_by = ${ctx.channel.staff!.id},
        reason = null, version = version + 1, updated_at = now()
      where id = ${quote.id}::uuid and version = ${quote.version} and status in ('REQUESTED', 'PROPOSED')
      returning id, version),
    priced as (
      update orders.quote_lines l set unit_amount = p.unit
      from moved, jsonb_to_recordset(${units}::jsonb) as p(v text, unit bigint)
      where l.quote_id = moved.id and l.variant_id = p.v),
    announced as (
      insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data)
      select 'quote.proposed', ${quote.channel}, moved.id::text, moved.version, ${JSON.stringify(proposal)}::jsonb from moved)
    select id::text from moved`);
  if (!moved) throw appError('CONFLICT', `the quote is ${quote.status.toLowerCase()} or changed since it was read`, { reason: 'QUOTE_NOT_OPEN' });
  return (await select(ctx, sql`q.id = ${quote.id}::uuid`))[0]!;
}

/** Staff decline a quote that is not being ordered; the buyer sees the reason, and it can never be ordered. */
export async function rejectQuote(ctx: OrdersContext, id: string, reason: string): Promise<QuoteRow> {
  const quote = await staffQuote(ctx, id);
  const text = reason.trim();
  if (text.length < 1 || text.length > NOTE_MAX) badInput('INVALID_REASON', `a reason is 1 to ${NOTE_MAX} characters`, 'reason');
  const [moved] = await ctx.db.db.execute<{ id: string }>(sql`
    with moved as (
      update orders.quotes set status = 'REJECTED', reason = ${text}, version = version + 1, updated_at = now()
      where id = ${quote.id}::uuid and status in ('REQUESTED', 'PROPOSED') returning id, version),
    announced as (
      insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data)
      select 'quote.rejected', ${quote.channel}, moved.id::text, moved.version,
        jsonb_build_object('quoteId', moved.id::text, 'companyId', ${quote.company_id}::text, 'reason', ${text}::text) from moved)
    select id::text from moved`);
  if (!moved) throw appError('CONFLICT', `the quote is ${quote.status.toLowerCase()}`, { reason: 'QUOTE_NOT_OPEN' });
  return (await select(ctx, sql`q.id = ${quote.id}::uuid`))[0]!;
}
