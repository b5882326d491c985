/**
 * Reservations: all lines or none, per channel, idempotent, never oversold. Why it holds (one round trip per
 * use case, the level row as the mutex, one global lock order, reservation rows before levels, idempotency by
 * a unique key, routing as the allocator, CHECK constraints as the last line) is in subgraphs/stock/README.md,
 * "Locking approach, and why it holds"; the plpgsql bodies are in db/functions/.
 */
import { sql } from 'drizzle-orm';
import type { StockContext, StockDb } from '../context.ts';
import { perDatabase } from '@storegraph/kit';
import { reservations } from '../db/tables.ts';
import { rethrowAsAppError } from './db-errors.ts';
import { appError } from '@storegraph/schema';
import { actorOf } from './staff-scope.service.ts';
import { routeOrder } from './routing.service.ts';
import { assertMayNameSource } from './aisle-source.service.ts';
import { badInput, normaliseReservation, requestHash, type ReserveStockInput } from '../domain/reservation-input.rules.ts';
import { CHECKOUT_ISSUER, notInChannel, staffCan } from '@storegraph/schema';

export type { ReserveStockInput };

/**
 * A plan goes stale only when another request took planned units between the read and the lock; each retry
 * reads newer figures, so it takes as many concurrent sell-outs as attempts to exhaust them.
 */
const MAX_ROUTE_ATTEMPTS = 5;

interface ReservationJson {
  __typename: 'Reservation';
  id: string;
  channel: string;
  status: string;
  expiresAt: string;
  createdAt: string;
  replayed?: boolean;
  lines: { variantId: string; quantity: number; backordered: number; allocations: { locationId: string; quantity: number; fromFence: number }[] }[];
}
type ResultJson =
  | ReservationJson
  | { __typename: 'RouteStale' }
  | { __typename: 'InsufficientStock'; lines: unknown[] }
  | { __typename: 'ReservationNotActive'; reservationId: string; status: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function shape(json: ResultJson) {
  if (json.__typename !== 'Reservation') return json;
  return { ...json, expiresAt: new Date(json.expiresAt).toISOString(), createdAt: new Date(json.createdAt).toISOString() };
}

const p = sql.placeholder;
/** One call of a plpgsql function (migrations 0002, 0004) per use case, each a prepared statement. */
const statements = perDatabase((db: StockDb['db']) => ({
  reserve: db
    .select({ result: sql<ResultJson>`fn.result` })
    .from(
      sql`stock.reserve(${p('channel')}, ${p('key')}, ${p('hash')}, ${p('lines')}::jsonb, ${p('ttlSeconds')}::int, ${p('actor')}, ${p('plan')}::jsonb, ${p('source')}) as fn(result)`,
    )
    .prepare('stock_reserve'),
  restock: db
    .select({ result: sql<ResultJson>`fn.result` })
    .from(sql`stock.restock_reservation(${p('channel')}, ${p('id')}::uuid, ${p('actor')}) as fn(result)`)
    .prepare('stock_restock_reservation'),
  finish: db
    .select({ result: sql<ResultJson>`fn.result` })
    .from(sql`stock.finish_reservation(${p('channel')}, ${p('id')}::uuid, ${p('to')}::stock.reservation_status, ${p('actor')}) as fn(result)`)
    .prepare('stock_finish_reservation'),
  owner: db
    .select({ actor: reservations.actor })
    .from(reservations)
    .where(sql`${reservations.id} = ${p('id')}::uuid and ${reservations.channel} = ${p('channel')}`)
    .prepare('stock_reservation_owner'),
  restockAt: db
    .select({ units: sql<number>`fn.units` })
    .from(
      sql`stock.restock_allocations(${p('channel')}, ${p('id')}::uuid, ${p('location')}, ${p('lines')}::jsonb, ${p('reference')}, 'shipment cancelled before it left', ${p('actor')}) as fn(units)`,
    )
    .prepare('stock_restock_allocations'),
  returnUnits: db
    .select({ units: sql<number>`fn.units` })
    .from(
      sql`stock.return_allocations(${p('channel')}, ${p('id')}::uuid, ${p('variant')}, ${p('quantity')}::int, ${p('location')}, ${p('writeOff')}::boolean, ${p('reference')}, ${p('actor')}) as fn(units)`,
    )
    .prepare('stock_return_allocations'),
  find: db
    .select({ result: sql<ResultJson>`stock.reservation_json(${reservations.id})` })
    .from(reservations)
    .where(sql`${reservations.id} = ${p('id')}::uuid and ${reservations.channel} = ${p('channel')}`)
    .prepare('stock_reservation_json'),
}));

async function callJson(run: Promise<{ result: ResultJson | null }[]>): Promise<ResultJson | null> {
  try {
    const rows = await run;
    return rows[0]?.result ?? null;
  } catch (err) {
    rethrowAsAppError(err);
  }
}

/**
 * A channel reserves only what it sells: the catalog, asked with the caller's own context, applies the
 * same channel assignment and visibility as every read path. Anything it does not show is NOT_IN_CHANNEL,
 * with no quantity, so a storefront cannot probe another channel's (or a trade-only) stock.
 */
async function assertSoldInChannel(ctx: StockContext, variantIds: string[]): Promise<void> {
  const channel = ctx.channel.channel;
  const cacheable = !ctx.channel.staff;
  const ask = cacheable ? ctx.soldInChannel.unknown(channel, variantIds) : variantIds;
  if (ask.length === 0) return;
  const { shown, hidden } = await ctx.catalog.shown(ctx, 'Variant', ask);
  if (cacheable) ctx.soldInChannel.remember(channel, shown);
  if (hidden.length > 0) throw notInChannel(channel, hidden);
}

export async function reserveStock(ctx: StockContext, input: ReserveStockInput) {
  const { key, lines, ttlSeconds } = normaliseReservation(input);
  const source = input.sourceLocationId ?? null;
  if (source !== null) assertMayNameSource(ctx, source);
  // The checkout asked the catalog (quote and SKUs, in the customer's own context) a step before; anyone
  // else is checked here.
  if (!isCheckout(ctx)) {
    await assertSoldInChannel(
      ctx,
      lines.map(([variantId]) => variantId),
    );
  }
  const actor = actorOf(ctx);
  const channel = ctx.channel.channel;
  for (let attempt = 1; ; attempt++) {
    const { plan } = await routeOrder(ctx, channel, lines, input.shipTo, input.pickupLocationId, source);
    const result = await callJson(
      statements(ctx.db.db).reserve.execute({
        channel,
        // The key is the caller's own: two shoppers who happen to pick the same key get two reservations.
        key: `${actor}|${key}`,
        hash: requestHash(lines, ttlSeconds, source),
        lines: JSON.stringify(lines.map(([variantId, quantity]) => ({ variantId, quantity }))),
        ttlSeconds,
        actor,
        plan: JSON.stringify(plan.allocations),
        source,
      }),
    );
    if (result!.__typename !== 'RouteStale') return shape(result!);
    if (attempt === MAX_ROUTE_ATTEMPTS) throw appError('CONFLICT', `stock of these variants kept selling out while routing ${MAX_ROUTE_ATTEMPTS} times; retry`);
  }
}

/**
 * A reservation belongs to whoever made it (customer, till, buyer); stock and order staff of the channel
 * may act on any. Anyone else is told it does not exist.
 */
async function assertOwner(ctx: StockContext, id: string): Promise<void> {
  if (staffCan(ctx.channel, 'stock-admin') || staffCan(ctx.channel, 'order-admin')) return;
  const rows = await statements(ctx.db.db).owner.execute({ id, channel: ctx.channel.channel });
  if (rows[0] && rows[0].actor !== actorOf(ctx)) throw appError('NOT_FOUND', `no reservation ${id} in this channel`);
}

async function finish(ctx: StockContext, id: string, to: 'CONFIRMED' | 'RELEASED') {
  if (!UUID.test(id)) throw appError('NOT_FOUND', `no reservation ${id} in this channel`);
  await assertOwner(ctx, id);
  const result = await callJson(statements(ctx.db.db).finish.execute({ channel: ctx.channel.channel, id, to, actor: actorOf(ctx) }));
  return shape(result!);
}

/**
 * The reserved units are sold: SALE movements lower on hand and reserved. Only the checkout (which has an
 * order and a payment behind it) or stock staff may do that; a shopper who could confirm would record a
 * sale with no order.
 */
export async function confirmReservation(ctx: StockContext, id: string) {
  assertMaySell(ctx);
  return finish(ctx, id, 'CONFIRMED');
}

/** The checkout service acting for a customer: signed by orders itself, with order-admin on this channel. */
const isCheckout = (ctx: StockContext) => ctx.issuer === CHECKOUT_ISSUER && staffCan(ctx.channel, 'order-admin');

function assertMaySell(ctx: StockContext): void {
  if (!isCheckout(ctx) && !staffCan(ctx.channel, 'stock-admin'))
    throw appError('FORBIDDEN', 'turning a reservation into a sale (or back) is the checkout’s (or stock staff’s) call');
}
/**
 * An order cancelled before it shipped: its sold units go back on hand where they were sold from, once.
 * The same principals as confirming (the checkout, or stock staff).
 */
export async function restockReservation(ctx: StockContext, id: string) {
  assertMaySell(ctx);
  if (!UUID.test(id)) throw appError('NOT_FOUND', `no reservation ${id} in this channel`);
  await assertOwner(ctx, id);
  const result = await callJson(statements(ctx.db.db).restock.execute({ channel: ctx.channel.channel, id, actor: actorOf(ctx) }));
  return shape(result!);
}

/**
 * A shipment cancelled before it left: its lines' sold units at its location go back on hand, once per
 * `reference` (the shipment). Answers the units this call put back (0 on a repeat). The same principals as
 * restocking a whole order.
 */
export async function restockAtLocation(ctx: StockContext, input: { id: string; locationId: string; lines: ReserveStockInput['lines']; reference: string }) {
  assertMaySell(ctx);
  const { id } = input;
  if (!UUID.test(id)) throw appError('NOT_FOUND', `no reservation ${id} in this channel`);
  const reference = input.reference.trim();
  if (reference.length === 0 || reference.length > 200) badInput('reference must be 1 to 200 characters', 'reference');
  const { lines } = normaliseReservation({ idempotencyKey: reference, lines: input.lines, ttlSeconds: 1 });
  await assertOwner(ctx, id);
  try {
    const rows = await statements(ctx.db.db).restockAt.execute({
      channel: ctx.channel.channel,
      id,
      location: input.locationId,
      lines: JSON.stringify(lines.map(([variantId, quantity]) => ({ variantId, quantity }))),
      reference,
      actor: actorOf(ctx),
    });
    return rows[0]!.units;
  } catch (err) {
    rethrowAsAppError(err);
  }
}

/**
 * A customer return (issue 13): sold units of one variant come back on the ledger at the location staff chose,
 * restocked (on hand there) or written off (a RETURN and an ADJUSTMENT), once per `reference`; at most what was
 * sold and not yet put back. Answers the units this call booked (0 on a repeat).
 */
export async function returnSoldUnits(
  ctx: StockContext,
  input: { id: string; variantId: string; quantity: number; locationId: string; writeOff: boolean; reference: string },
) {
  assertMaySell(ctx);
  const { id } = input;
  if (!UUID.test(id)) throw appError('NOT_FOUND', `no reservation ${id} in this channel`);
  const reference = input.reference.trim();
  if (reference.length === 0 || reference.length > 200) badInput('reference must be 1 to 200 characters', 'reference');
  const { lines } = normaliseReservation({ idempotencyKey: reference, lines: [{ variantId: input.variantId, quantity: input.quantity }], ttlSeconds: 1 });
  await assertOwner(ctx, id);
  try {
    const rows = await statements(ctx.db.db).returnUnits.execute({
      channel: ctx.channel.channel,
      id,
      variant: lines[0]![0],
      quantity: lines[0]![1],
      location: input.locationId,
      writeOff: input.writeOff,
      reference,
      actor: actorOf(ctx),
    });
    return rows[0]!.units;
  } catch (err) {
    rethrowAsAppError(err);
  }
}

/** The reserved units go back to where they came from (fences included). */
export const releaseReservation = (ctx: StockContext, id: string) => finish(ctx, id, 'RELEASED');

/** A reservation of the caller's channel, or null. */
export async function findReservation(ctx: StockContext, id: string) {
  if (!UUID.test(id)) return null;
  try {
    await assertOwner(ctx, id);
  } catch {
    return null;
  }
  const result = await callJson(statements(ctx.db.db).find.execute({ id, channel: ctx.channel.channel }));
  return result ? shape(result) : null;
}
