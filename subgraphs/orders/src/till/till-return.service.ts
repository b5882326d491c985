import { createHash, randomUUID } from 'node:crypto';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { appError, Code } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { signCheckoutContext } from '../clients/service-context.ts';
import { returnSoldUnits } from '../clients/stock.client.ts';
import { orderLines, orders, outbox, tillReturns, tillSales, tillSessions } from '../db/tables.ts';
import { orderStatusFromReturns } from '../domain/return-status.machine.ts';
import { computeRefund, type ReturnPolicy } from '../domain/refund.calculator.ts';
import { splitRefund } from '../domain/till-refund-tenders.rules.ts';
import { badInput } from '../services/cart-input.validation.ts';
import { refundIssuedEvent } from '../services/refund.service.ts';
import { requireTill } from './till-session.service.ts';
import { returnReceiptOf, type TillReturnRow } from './till-return-receipt.service.ts';
import { creditBack } from './store-credit.service.ts';
import { checkoutContextOf, onlineReturn, refundOnline } from './till-online-return.service.ts';
import { addTillReturned, firstUnreturnable } from '../domain/till-returnable.rules.ts';

export interface TillReturnInput {
  idempotencyKey: string;
  receiptNumber: string;
  lines: { lineNo: number; quantity: number }[];
}

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
const NUMBER = /^[A-Za-z0-9-]{1,40}$/;
/** At the counter the customer hands the goods over: no restocking fee, and a till sale has no shipping. */
const TILL_POLICY: ReturnPolicy = { windowDays: 0, restockingFee: { kind: 'NONE', value: 0 }, shippingRefund: 'NEVER' };

function validate(input: TillReturnInput) {
  if (!KEY.test(input.idempotencyKey)) badInput('INVALID_IDEMPOTENCY_KEY', 'idempotencyKey is 8 to 128 of A-Z, a-z, 0-9, _ . : -', 'input.idempotencyKey');
  if (!NUMBER.test(input.receiptNumber)) badInput('INVALID_RECEIPT_NUMBER', 'a receipt number is 1 to 40 of A-Z, a-z, 0-9, -', 'input.receiptNumber');
  if (input.lines.length < 1 || input.lines.length > 100) badInput('INVALID_LINES', '1 to 100 lines', 'input.lines');
  const seen = new Set<number>();
  input.lines.forEach((l, i) => {
    if (!Number.isInteger(l.lineNo) || l.lineNo < 1) badInput('INVALID_LINE_NO', 'lineNo is a receipt line number', `input.lines.${i}.lineNo`);
    if (seen.has(l.lineNo)) badInput('DUPLICATE_LINE', 'one line per receipt line', `input.lines.${i}.lineNo`);
    seen.add(l.lineNo);
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 10_000)
      badInput('INVALID_QUANTITY', 'quantity is 1 to 10,000', `input.lines.${i}.quantity`);
  });
}

function requestHash(input: TillReturnInput): string {
  const lines = [...input.lines].sort((a, b) => a.lineNo - b.lineNo).map((l) => [l.lineNo, l.quantity]);
  return createHash('sha256')
    .update(JSON.stringify([input.receiptNumber, lines]))
    .digest('hex');
}

const refused = (reason: string, message: string, lineNo: number | null = null) => ({ __typename: 'TillReturnRefused' as const, reason, message, lineNo });

/**
 * The sale behind a receipt number, as this till may see it: a sale of this till's shop, or an order bought online
 * in a channel whose orders this till's channel takes back (ORDERS_TILL_RETURNS; any other online order is refused
 * ONLINE_ORDER: it goes through RequestReturn). A till sale of another channel is not found, and one of another
 * shop of this channel is refused, so a till cannot take goods back into another shop's stock.
 */
async function saleOf(ctx: OrdersContext, locationId: string, receiptNumber: string) {
  const [row] = await ctx.db.db
    .select({ sale: tillSales, reservationId: orders.reservationId, currency: orders.currency, orderId: orders.id, orderChannel: orders.channel })
    .from(orders)
    .leftJoin(tillSales, eq(tillSales.orderId, orders.id))
    .where(eq(orders.number, receiptNumber));
  if (!row || (row.sale && row.sale.channel !== ctx.channel.channel)) return refused('RECEIPT_NOT_FOUND', `no sale ${receiptNumber} in this channel`);
  if (!row.sale) {
    if (!ctx.deps.tillReturns?.has(`${row.orderChannel}:${ctx.channel.channel}`) || row.currency !== ctx.channel.currency)
      return refused('ONLINE_ORDER', `orders of ${row.orderChannel} go back through a return request, not at this till`);
    return { ...row, sale: null };
  }
  if (row.sale.locationId !== locationId) return refused('OTHER_SHOP', 'the sale was made at another shop: its goods go back there');
  return { ...row, sale: row.sale };
}

/** Books the return's units back on hand at the till's shop, once per line (stock keys each on its reference). */
async function restock(ctx: OrdersContext, row: TillReturnRow, reservationId: string | null) {
  if (row.stockStatus === 'RESTOCKED' || !reservationId) return row;
  // An online order's reservation is its own channel's: stock answers for it to that order's checkout context.
  const token = await signCheckoutContext(row.saleId ? ctx.channel : await checkoutContextOf(ctx, row.orderId), ctx.deps.contextSecret);
  try {
    for (const l of row.lines)
      await returnSoldUnits(ctx.deps.stock, token, ctx.channel.requestId, {
        id: reservationId,
        variantId: l.variantId,
        quantity: l.quantity,
        locationId: row.locationId,
        writeOff: false,
        reference: `till-return-${row.id}-${l.lineNo}`,
      });
  } catch (err) {
    // The money is back with the customer; the units follow on the next call with this key.
    ctx.log.warn({ err, tillReturnId: row.id }, 'till return units did not reach stock: stay pending');
    return row;
  }
  const [done] = await ctx.db.db.update(tillReturns).set({ stockStatus: 'RESTOCKED' }).where(eq(tillReturns.id, row.id)).returning();
  return done!;
}

/** Pays a PENDING return back to its card tenders (once per refund key at the provider), then marks it REFUNDED. */
async function payBack(ctx: OrdersContext, row: TillReturnRow, currency: string) {
  const cards = row.refunds.filter((r) => r.method === 'CARD');
  const card = cards.length > 0 ? ctx.deps.payments.get('card') : null;
  const paid = [...row.refunds];
  for (const [i, r] of paid.entries()) {
    if (r.method === 'ONLINE_PAYMENT' && !r.refundRef) {
      const answer = await refundOnline(ctx, row, r, `${row.id}:online:${i}`);
      if ('__typename' in answer) return answer;
      paid[i] = { ...r, refundRef: answer.refundRef };
      continue;
    }
    if (r.method === 'STORE_CREDIT' && !r.refundRef) {
      // Back onto the credit that paid, once per return and tender.
      await creditBack(ctx.db.db, { creditId: r.providerRef!, amount: r.amount, reference: `${row.id}:credit:${i}`, tillId: row.tillId });
      paid[i] = { ...r, refundRef: `${row.id}:credit:${i}` };
      continue;
    }
    if (r.method !== 'CARD' || r.refundRef) continue;
    const answer = await card!.refund({ providerRef: r.providerRef!, amount: { amount: r.amount, currency }, idempotencyKey: `${row.id}:card:${i}` });
    if (answer.status === 'UNAVAILABLE')
      return { __typename: 'PaymentUnavailable' as const, message: 'the card provider did not answer; send the return again with the same key' };
    if (answer.status === 'REJECTED') {
      // The units are free to return again; a card refunded before this one stays refunded and is recorded.
      await ctx.db.db
        .update(tillReturns)
        .set({ status: 'VOIDED', failure: `${answer.reason}: ${answer.message}`, refunds: paid })
        .where(and(eq(tillReturns.id, row.id), eq(tillReturns.status, 'PENDING')));
      return { __typename: 'PaymentDeclined' as const, reason: answer.reason, declineCode: null };
    }
    paid[i] = { ...r, refundRef: answer.refundRef };
  }
  const done = await markRefunded(ctx, row, paid);
  if (done) return done;
  const [now] = await ctx.db.db.select().from(tillReturns).where(eq(tillReturns.id, row.id));
  return now!;
}

/**
 * The return is paid back: REFUNDED (a compare-and-set from PENDING, so a duplicate books nothing twice), and in
 * the same transaction the order follows as for an online return: its refunded total, PARTIALLY_RETURNED or
 * RETURNED by the units back, `refund.issued` (and `order.status_changed`) in the outbox.
 */
async function markRefunded(ctx: OrdersContext, row: TillReturnRow, paid: TillReturnRow['refunds']) {
  return ctx.db.db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, row.orderId)).for('update');
    const now = new Date();
    const [done] = await tx
      .update(tillReturns)
      .set({ status: 'REFUNDED', refunds: paid, returnedAt: now })
      .where(and(eq(tillReturns.id, row.id), eq(tillReturns.status, 'PENDING')))
      .returning();
    if (!done) return null;
    const lines = await tx.select({ quantity: orderLines.quantity }).from(orderLines).where(eq(orderLines.orderId, row.orderId));
    const back = await tx
      .select({ lines: tillReturns.lines })
      .from(tillReturns)
      .where(and(eq(tillReturns.orderId, row.orderId), eq(tillReturns.status, 'REFUNDED')));
    const ordered = lines.reduce((s, l) => s + l.quantity, 0);
    const received = back.reduce((s, r) => s + r.lines.reduce((t, l) => t + l.quantity, 0), 0);
    const status = orderStatusFromReturns(order!.status, ordered, received);
    const version = order!.version + 1;
    await tx
      .update(orders)
      .set({ status, version, refundedTotal: order!.refundedTotal + row.total, updatedAt: now })
      .where(eq(orders.id, order!.id));
    await tx.insert(outbox).values(refundIssuedEvent(order!, row.id, row.id, row.total, now, version));
    if (status !== order!.status)
      await tx.insert(outbox).values({
        type: 'order.status_changed',
        channel: order!.channel,
        aggregateId: order!.id,
        aggregateVersion: version,
        data: { orderId: order!.id, number: order!.number, from: order!.status, to: status },
      });
    return done;
  });
}

export async function finish(ctx: OrdersContext, row: TillReturnRow, reservationId: string | null, currency: string) {
  if (row.status === 'VOIDED') return { __typename: 'PaymentDeclined' as const, reason: row.failure ?? 'REJECTED', declineCode: null };
  const paid = row.status === 'PENDING' ? await payBack(ctx, row, currency) : row;
  if ('__typename' in paid) return paid;
  if (paid.status !== 'REFUNDED') return finish(ctx, paid, reservationId, currency);
  return returnReceiptOf(await restock(ctx, paid, reservationId), currency);
}

/**
 * The cash this till's open session should hold (float + cash kept from sales − cash paid out by returns not
 * voided), with the session row locked so two returns at once cannot both pay out the same notes; null if closed.
 */
async function drawerCash(tx: Pick<OrdersContext['db']['db'], 'execute'>, sessionId: string): Promise<number | null> {
  const [row] = await tx.execute<{ open: boolean; cash: string }>(sql`
    with s as (select opening_float, closed_at from orders.till_sessions where id = ${sessionId} for update)
    select s.closed_at is null as open,
      (s.opening_float
        + coalesce((select sum(cash_taken) from orders.till_sales where till_session_id = ${sessionId}), 0)
        - coalesce((select sum(cash_refunded) from orders.till_returns where till_session_id = ${sessionId} and status <> 'VOIDED'), 0))::text as cash
    from s`);
  return row?.open ? Number(row.cash) : null;
}

/**
 * A return at the till with the sale's receipt: the lines' units (never more than sold less returned before) come
 * back into THIS shop's stock and their share of what was paid (refund.calculator.ts, no fee, no shipping) goes
 * back to the sale's tenders: cards through the card provider, the rest in cash out of this session's drawer.
 * The quantities are checked and the return recorded PENDING in one transaction with the order row locked, so two
 * returns racing for the last unit cannot both have it; card refunds follow (keyed per return, so a retry pays
 * once), then the units go to stock (keyed per line). The idempotency key answers a retry with the same return.
 */
export async function tillReturn(ctx: OrdersContext, input: TillReturnInput) {
  const till = requireTill(ctx);
  validate(input);
  const hash = requestHash(input);
  const found = await saleOf(ctx, till.locationId, input.receiptNumber);
  const [stored] = await ctx.db.db
    .select()
    .from(tillReturns)
    .where(and(eq(tillReturns.tillId, till.id), eq(tillReturns.clientId, input.idempotencyKey)));
  if (stored) {
    if (stored.requestHash !== hash)
      throw appError(Code.IDEMPOTENCY_KEY_REUSED, 'this idempotency key was used for another return', { argument: 'input.idempotencyKey' });
    if ('__typename' in found) return found;
    return finish(ctx, stored, found.reservationId, found.currency);
  }
  if ('__typename' in found) return found;
  if (!found.sale) return onlineReturn(ctx, till, input, hash, found);
  const [session] = await ctx.db.db
    .select({ id: tillSessions.id })
    .from(tillSessions)
    .where(and(eq(tillSessions.tillId, till.id), isNull(tillSessions.closedAt)));
  if (!session) return { __typename: 'TillSessionConflict' as const, message: 'open the till (a cash session) before taking a return', current: null };
  const { sale } = found;

  const recorded = await ctx.db.db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, sale.orderId)).for('update');
    const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, sale.orderId));
    const earlier = await tx
      .select()
      .from(tillReturns)
      .where(and(eq(tillReturns.orderId, sale.orderId), ne(tillReturns.status, 'VOIDED')));
    const returnedBefore = new Map<number, number>();
    addTillReturned(returnedBefore, earlier);
    const unreturnable = firstUnreturnable(lines, returnedBefore, input.lines, `receipt ${order!.number}`);
    if (unreturnable) return refused(unreturnable.reason, unreturnable.message, unreturnable.lineNo);
    const byNo = new Map(lines.map((l) => [l.lineNo, l]));
    const refund = computeRefund({
      order: { taxIncluded: order!.taxIncluded, total: order!.total, lines },
      returnedBefore,
      refundedBefore: earlier.reduce((s, r) => s + r.total, 0),
      returning: input.lines,
      policy: TILL_POLICY,
    });
    const split = splitRefund(
      refund.amount,
      sale,
      earlier.flatMap((r) => r.refunds),
    );
    const cashOut = split.filter((x) => x.method === 'CASH').reduce((t, x) => t + x.amount, 0);
    if (cashOut > 0) {
      const drawer = await drawerCash(tx, session.id);
      if (drawer === null) return { __typename: 'TillSessionConflict' as const, message: 'the till was closed meanwhile', current: null };
      if (cashOut > drawer) return refused('DRAWER_SHORT', `the refund needs ${cashOut} in cash; this drawer holds ${drawer}`);
    }
    const [{ n }] = (await tx.execute<{ n: number }>(
      sql`select count(*)::int + 1 as n from orders.till_returns where order_id = ${sale.orderId}`,
    )) as unknown as [{ n: number }];
    const [row] = await tx
      .insert(tillReturns)
      .values({
        id: `trt_${randomUUID().replaceAll('-', '')}`,
        tillId: till.id,
        clientId: input.idempotencyKey,
        requestHash: hash,
        tillSessionId: session.id,
        channel: ctx.channel.channel,
        locationId: till.locationId,
        cashierId: till.staffId,
        saleId: sale.id,
        orderId: sale.orderId,
        number: `${order!.number}-R${n}`,
        status: 'PENDING',
        lines: refund.lines.map((l) => ({ ...l, variantId: byNo.get(l.lineNo)!.variantId, sku: byNo.get(l.lineNo)!.sku })),
        total: refund.amount,
        cashRefunded: split.filter((s) => s.method === 'CASH').reduce((s, r) => s + r.amount, 0),
        cardRefunded: split.filter((s) => s.method === 'CARD').reduce((s, r) => s + r.amount, 0),
        refunds: split.map((s) => ({ ...s, refundRef: null })),
      })
      .onConflictDoNothing()
      .returning();
    return row ?? null;
  });
  if (recorded && '__typename' in recorded) return recorded;
  // A duplicate sent at once that lost the (till, key) race continues the winner's return.
  const row =
    recorded ??
    (
      await ctx.db.db
        .select()
        .from(tillReturns)
        .where(and(eq(tillReturns.tillId, till.id), eq(tillReturns.clientId, input.idempotencyKey)))
    )[0];
  if (!row) throw new Error(`till return ${input.idempotencyKey} of ${till.id} is not there after it was written`);
  if (row.requestHash !== hash)
    throw appError(Code.IDEMPOTENCY_KEY_REUSED, 'this idempotency key was used for another return', { argument: 'input.idempotencyKey' });
  return finish(ctx, row, found.reservationId, found.currency);
}
