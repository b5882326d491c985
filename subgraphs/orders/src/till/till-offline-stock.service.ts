import { and, eq, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { appError, Code } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { confirmReservation, reserveStock } from '../clients/stock.client.ts';
import { crashIfAsked } from '../checkout/fault-injection.ts';
import { tillOfflineStock } from '../db/tables.ts';

type Lines = { variantId: string; quantity: number }[];

const HOLD_SECONDS = 120;
/** A hold that ran out, or the shop selling out between a plan and its reservation, moves on a few times at most. */
const MAX_ATTEMPTS = 6;

/**
 * The stock key of an offline sale's n-th attempt: a pure function of (till, client id, attempt), never of what the
 * shop had when it was asked, so the same attempt always names the same reservation.
 */
export const offlineStockKey = (tillId: string, clientId: string, attempt: number) =>
  attempt === 1 ? `till:${tillId}:${clientId}` : `till:${tillId}:${clientId}:a${attempt}`;

async function persisted(ctx: OrdersContext, tillId: string, clientId: string) {
  const [row] = await ctx.db.db
    .select({ attempt: tillOfflineStock.attempt, lines: tillOfflineStock.lines })
    .from(tillOfflineStock)
    .where(and(eq(tillOfflineStock.tillId, tillId), eq(tillOfflineStock.clientId, clientId)));
  return row;
}

async function persist(ctx: OrdersContext, tillId: string, clientId: string, attempt: number, lines: Lines) {
  await ctx.db.db
    .insert(tillOfflineStock)
    .values({ tillId, clientId, attempt, lines })
    .onConflictDoUpdate({
      target: [tillOfflineStock.tillId, tillOfflineStock.clientId],
      set: { attempt, lines, updatedAt: sql`now()` },
    });
}

/**
 * Sells an offline sale's lines at the till's shop as far as its stock goes, exactly once however often it is
 * retried, even after the process died between selling and recording the sale. What stock is asked for (attempt
 * and lines) is written BEFORE it is asked: a retry reads it back and asks for the same reservation under the same
 * key, which stock's idempotency answers with the reservation already made (and confirm with CONFIRMED), instead of
 * choosing again from what is left now. It moves to the next attempt only when the last one sold nothing: the shop
 * had too little (then the next asks for what it has, the rest is the caller's shortfall) or the hold ran out
 * before it was confirmed. The caller holds the (till, client id) advisory lock, so no two run at once.
 */
export async function sellOfflineLines(ctx: OrdersContext, service: string, till: { id: string; locationId: string }, clientId: string, wanted: Lines) {
  const units = new Map<string, number>();
  let step: { attempt: number; lines: Lines } | null = (await persisted(ctx, till.id, clientId)) ?? null;
  if (!step) {
    step = { attempt: 1, lines: wanted };
    await persist(ctx, till.id, clientId, 1, wanted);
  }
  for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
    const answer: Awaited<ReturnType<typeof reserveStock>> = await reserveStock(
      ctx.deps.stock,
      service,
      ctx.channel.requestId,
      offlineStockKey(till.id, clientId, step.attempt),
      step.lines,
      HOLD_SECONDS,
      null,
      till.locationId,
    ).catch((err) => {
      if (err instanceof GraphQLError && err.extensions.code === 'BAD_USER_INPUT' && err.extensions.argument === 'pickupLocationId')
        throw appError(Code.FORBIDDEN, "this till's shop does not sell this channel's stock");
      throw err;
    });
    if (answer.__typename === 'InsufficientStock') {
      // Nothing was written under this key: ask for what the shop has, decided now and written down first.
      const available = new Map<string, number>(answer.lines.map((l) => [l.variant.id, Math.max(0, l.available)]));
      const part: Lines = step.lines
        .map((l) => ({ variantId: l.variantId, quantity: Math.min(l.quantity, available.get(l.variantId) ?? l.quantity) }))
        .filter((l) => l.quantity > 0);
      if (part.length === 0) return { units, reservationId: null };
      step = { attempt: step.attempt + 1, lines: part };
      await persist(ctx, till.id, clientId, step.attempt, part);
      continue;
    }
    if (answer.status === 'EXPIRED' || answer.status === 'RELEASED') {
      // A hold made before a crash and never confirmed ran out: nothing was sold under it, so ask again.
      step = { attempt: step.attempt + 1, lines: step.lines };
      await persist(ctx, till.id, clientId, step.attempt, step.lines);
      continue;
    }
    const confirmed = await confirmReservation(ctx.deps.stock, service, ctx.channel.requestId, answer.id);
    if (confirmed.__typename !== 'Reservation' && confirmed.status !== 'CONFIRMED') {
      if (confirmed.status === 'EXPIRED' || confirmed.status === 'RELEASED') {
        step = { attempt: step.attempt + 1, lines: step.lines };
        await persist(ctx, till.id, clientId, step.attempt, step.lines);
        continue;
      }
      throw serviceUnavailable('stock');
    }
    // Crash tests: the units are sold and the sale is not yet recorded; a retry must not sell them again.
    crashIfAsked(ctx.crashAt, 'till-offline:after-confirm');
    for (const l of answer.lines)
      units.set(
        l.variant.id,
        l.allocations.reduce((a, x) => a + x.quantity, 0),
      );
    return { units, reservationId: answer.id };
  }
  throw serviceUnavailable('stock');
}
