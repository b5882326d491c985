import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { orderLines, orders, returnLines, returns } from '../db/tables.ts';
import { isReturnReason, type ReturnReason } from '../domain/return-status.machine.ts';
import { ownerOf } from './cart-owner.ts';
import type { OrderRow } from './order-query.service.ts';
import { returnPolicyOf } from './return-policy.service.ts';

export type ReturnRow = typeof returns.$inferSelect;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** The same rule as the checkout's keys. */
const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
const DAY_MS = 86_400_000;

export interface RequestReturnInput {
  orderId: string;
  idempotencyKey: string;
  lines: { lineNo: number; quantity: number; reason: string; note?: string | null }[];
}

export type ReturnRefusal = 'NOT_SHIPPED' | 'OUTSIDE_WINDOW' | 'MORE_THAN_SHIPPED' | 'UNKNOWN_LINE';
export type RequestReturnResult =
  | { __typename: 'ReturnRequested'; return: ReturnRow }
  | { __typename: 'ReturnRefused'; reason: ReturnRefusal; lineNo: number; returnable: number; windowEndedAt: string | null };

/**
 * The order if the caller may ask to return its goods: its owner in the order's channel (the rule of the order
 * history), or order-admin staff of that channel acting for the customer. Anyone else: null (NOT_FOUND).
 */
export async function orderForReturn(ctx: OrdersContext, orderId: string): Promise<{ order: OrderRow; by: string } | null> {
  if (!ID.test(orderId)) return null;
  if (ctx.channel.staff) {
    const [order] = await ctx.db.db.select().from(orders).where(eq(orders.id, orderId));
    if (order && staffCan(ctx.channel, 'order-admin', order.channel)) return { order, by: `staff:${ctx.channel.staff.id}` };
    return null;
  }
  const own = await ctx.loaders.visibleOrder.load(orderId);
  const by = ownerOf(ctx.channel);
  return own && by && own.channel === ctx.channel.channel ? { order: own, by } : null;
}

function checkInput(input: RequestReturnInput): { lineNo: number; quantity: number; reason: ReturnReason; note: string | null }[] {
  const bad = (message: string, argument: string) => appError('BAD_USER_INPUT', message, { argument: `input.${argument}` });
  if (!KEY.test(input.idempotencyKey)) throw bad('idempotencyKey is 8 to 128 of A-Z, a-z, 0-9, _ . : -', 'idempotencyKey');
  if (input.lines.length === 0 || input.lines.length > 100) throw bad('a return has 1 to 100 lines', 'lines');
  const seen = new Set<number>();
  return input.lines.map((l, i) => {
    if (!Number.isInteger(l.lineNo) || l.lineNo < 1 || seen.has(l.lineNo)) throw bad(`lines[${i}].lineNo is a line of the order, once`, `lines.${i}.lineNo`);
    seen.add(l.lineNo);
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 1_000_000) throw bad(`lines[${i}].quantity is 1 or more`, `lines.${i}.quantity`);
    if (!isReturnReason(l.reason)) throw bad(`lines[${i}].reason is not a return reason`, `lines.${i}.reason`);
    const note = l.note?.trim() || null;
    if (note && note.length > 500) throw bad(`lines[${i}].note is at most 500 characters`, `lines.${i}.note`);
    return { lineNo: l.lineNo, quantity: l.quantity, reason: l.reason, note };
  });
}

/** Same lines (in any order) under the same key = the same request. */
const hashOf = (lines: ReturnType<typeof checkInput>) =>
  createHash('sha256')
    .update(JSON.stringify([...lines].sort((a, b) => a.lineNo - b.lineNo)))
    .digest('hex');

/**
 * A return request for lines of one order, by its owner or order staff. Each line may ask for at most the units
 * that left (shipped, delivered or collected) less those already asked for by requests not rejected, within the
 * channel's window counted from when the line's last parcel left. A request that breaks a rule is answered
 * ReturnRefused with the first line at fault and writes nothing. One transaction with the order row locked, so
 * two requests for the same line are counted one after the other: they cannot both take the last units.
 * The idempotency key is the client's, per order: a replay answers the return it made, and the same key with
 * other lines is IDEMPOTENCY_KEY_REUSED.
 */
export async function requestReturn(ctx: OrdersContext, input: RequestReturnInput): Promise<RequestReturnResult> {
  const lines = checkInput(input);
  const found = await orderForReturn(ctx, input.orderId);
  if (!found) throw appError('NOT_FOUND', `no order ${input.orderId}`);
  const hash = hashOf(lines);
  const policy = await returnPolicyOf(ctx.db.db, found.order.channel);
  return ctx.db.db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, found.order.id)).for('update');
    const [replay] = await tx
      .select()
      .from(returns)
      .where(and(eq(returns.orderId, order!.id), eq(returns.requestKey, input.idempotencyKey)));
    if (replay) {
      if (replay.requestHash !== hash)
        throw appError('IDEMPOTENCY_KEY_REUSED', 'this idempotency key asked for other lines', { argument: 'input.idempotencyKey' });
      return { __typename: 'ReturnRequested', return: replay } as const;
    }
    const known = await tx.select({ lineNo: orderLines.lineNo, variantId: orderLines.variantId }).from(orderLines).where(eq(orderLines.orderId, order!.id));
    // Per line: units that left and when the last of them did; units already asked for (rejected requests free theirs).
    const counts = await tx.execute<{ line_no: number; shipped: number; left_at: Date | null; asked: number }>(sql`
      select l.line_no,
        (select coalesce(sum(sl.quantity), 0)::int from orders.shipment_lines sl join orders.shipments s on s.id = sl.shipment_id
          where s.order_id = l.order_id and sl.variant_id = l.variant_id and s.status in ('SHIPPED', 'DELIVERED', 'COLLECTED')) as shipped,
        (select max(coalesce(s.shipped_at, s.updated_at)) from orders.shipment_lines sl join orders.shipments s on s.id = sl.shipment_id
          where s.order_id = l.order_id and sl.variant_id = l.variant_id and s.status in ('SHIPPED', 'DELIVERED', 'COLLECTED')) as left_at,
        (select coalesce(sum(rl.quantity), 0)::int from orders.return_lines rl join orders.returns r on r.id = rl.return_id
          where r.order_id = l.order_id and rl.line_no = l.line_no and r.status <> 'REJECTED') as asked
      from orders.order_lines l where l.order_id = ${order!.id}`);
    const byNo = new Map(counts.map((c) => [c.line_no, c]));
    const now = Date.now();
    for (const line of lines) {
      const c = byNo.get(line.lineNo);
      const refuse = (reason: ReturnRefusal, returnable: number, windowEndedAt: string | null = null) =>
        ({ __typename: 'ReturnRefused', reason, lineNo: line.lineNo, returnable, windowEndedAt }) as const;
      if (!c) return refuse('UNKNOWN_LINE', 0);
      if (c.shipped === 0 || !c.left_at) return refuse('NOT_SHIPPED', 0);
      const windowEnds = new Date(new Date(c.left_at).getTime() + policy.windowDays * DAY_MS);
      if (now > windowEnds.getTime()) return refuse('OUTSIDE_WINDOW', 0, windowEnds.toISOString());
      if (c.asked + line.quantity > c.shipped) return refuse('MORE_THAN_SHIPPED', c.shipped - c.asked);
    }
    const id = `ret_${randomBytes(10).toString('hex')}`;
    const [made] = await tx
      .insert(returns)
      .values({ id, orderId: order!.id, channel: order!.channel, requestedBy: found.by, requestKey: input.idempotencyKey, requestHash: hash })
      .returning();
    const variantOf = new Map(known.map((k) => [k.lineNo, k.variantId]));
    await tx
      .insert(returnLines)
      .values(
        lines.map((l) => ({ returnId: id, lineNo: l.lineNo, variantId: variantOf.get(l.lineNo)!, quantity: l.quantity, reason: l.reason, note: l.note })),
      );
    return { __typename: 'ReturnRequested', return: made! } as const;
  });
}
