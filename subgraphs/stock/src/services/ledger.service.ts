import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { StockContext } from '../context.ts';
import { levels, movements } from '../db/tables.ts';
import { actorOf, requireStockAdminAt } from './staff-scope.service.ts';
import { appError } from '@storegraph/schema';

type Kind = 'RECEIPT' | 'RETURN' | 'ADJUSTMENT' | 'TRANSFER_OUT' | 'TRANSFER_IN';
const MAX_UNITS = 1_000_000;

/** One change of on_hand at one level; `delta` receives the locked current on_hand. */
interface LevelChange {
  variantId: string;
  locationId: string;
  kind: Kind;
  delta: (onHand: number) => number;
}

interface Note {
  reason: string;
  reference?: string | null;
}

function checkQuantity(value: number, argument: string, min: number) {
  if (!Number.isInteger(value) || value < min || value > MAX_UNITS) {
    throw appError('BAD_USER_INPUT', `${argument} must be from ${min} to ${MAX_UNITS}`, { argument });
  }
}

function checkVariant(variantId: string) {
  if (variantId.length === 0 || variantId.length > 64) throw appError('BAD_USER_INPUT', 'variantId is not a variant id', { argument: 'variantId' });
}

/**
 * Applies staff changes to on_hand in one transaction. Missing level rows are created first, then all
 * rows are locked in ONE statement ordered by (variant_id, location_id), the order every writer uses
 * (see reservation.service.ts), and updated together with their movements. Dropping on hand below what
 * is reserved is refused with CONFLICT before the CHECK constraint would refuse it.
 */
async function applyChanges(ctx: StockContext, changes: LevelChange[], note: Note) {
  const actor = actorOf(ctx);
  return ctx.db.db.transaction(async (tx) => {
    await tx
      .insert(levels)
      // Sorted, so two staff transactions creating the same new rows insert them in the same order.
      .values(
        changes
          .map((c) => ({ variantId: c.variantId, locationId: c.locationId }))
          .sort((a, b) => (a.variantId === b.variantId ? (a.locationId < b.locationId ? -1 : 1) : a.variantId < b.variantId ? -1 : 1)),
      )
      .onConflictDoNothing();
    const locked = await tx
      .select()
      .from(levels)
      .where(or(...changes.map((c) => and(eq(levels.variantId, c.variantId), eq(levels.locationId, c.locationId)))))
      .orderBy(asc(levels.variantId), asc(levels.locationId))
      .for('update');
    const result = new Map<string, typeof levels.$inferSelect>();
    for (const change of changes) {
      const current = locked.find((l) => l.variantId === change.variantId && l.locationId === change.locationId)!;
      const delta = change.delta(current.onHand);
      const onHand = current.onHand + delta;
      if (onHand < current.reserved) {
        throw appError('CONFLICT', `${change.locationId} would have ${onHand} on hand but ${current.reserved} are reserved`, {
          locationId: change.locationId,
          reserved: current.reserved,
        });
      }
      if (delta === 0) {
        result.set(change.locationId, current);
        continue;
      }
      const [updated] = await tx
        .update(levels)
        .set({ onHand, updatedAt: sql`now()` })
        .where(and(eq(levels.variantId, change.variantId), eq(levels.locationId, change.locationId)))
        .returning();
      await tx.insert(movements).values({
        variantId: change.variantId,
        locationId: change.locationId,
        kind: change.kind,
        deltaOnHand: delta,
        reason: note.reason,
        reference: note.reference ?? null,
        actor,
        channel: ctx.channel.channel,
      });
      result.set(change.locationId, updated!);
    }
    return result;
  });
}

export interface QuantityInput {
  variantId: string;
  locationId: string;
  quantity: number;
  reason?: string | null;
  reference?: string | null;
}

/** Goods in (RECEIPT) or a customer return back to stock (RETURN). */
export async function addStock(ctx: StockContext, kind: 'RECEIPT' | 'RETURN', input: QuantityInput) {
  checkVariant(input.variantId);
  checkQuantity(input.quantity, 'quantity', 1);
  await requireStockAdminAt(ctx, [input.locationId]);
  const note = { reason: input.reason ?? (kind === 'RECEIPT' ? 'received' : 'returned'), reference: input.reference };
  const out = await applyChanges(ctx, [{ ...input, kind, delta: () => input.quantity }], note);
  return out.get(input.locationId)!;
}

/** A correction by a signed number of units (damage, found units). */
export async function adjustStock(
  ctx: StockContext,
  input: { variantId: string; locationId: string; delta: number; reason: string; reference?: string | null },
) {
  checkVariant(input.variantId);
  if (!Number.isInteger(input.delta) || input.delta === 0 || Math.abs(input.delta) > MAX_UNITS) {
    throw appError('BAD_USER_INPUT', `delta must be a non-zero integer within ±${MAX_UNITS}`, { argument: 'delta' });
  }
  if (input.reason.trim() === '') throw appError('BAD_USER_INPUT', 'an adjustment needs a reason', { argument: 'reason' });
  await requireStockAdminAt(ctx, [input.locationId]);
  const out = await applyChanges(ctx, [{ ...input, kind: 'ADJUSTMENT', delta: () => input.delta }], input);
  return out.get(input.locationId)!;
}

/** Stocktake: the counted number becomes on hand; the difference is an ADJUSTMENT movement. */
export async function countStock(
  ctx: StockContext,
  input: { variantId: string; locationId: string; counted: number; reason?: string | null; reference?: string | null },
) {
  checkVariant(input.variantId);
  checkQuantity(input.counted, 'counted', 0);
  await requireStockAdminAt(ctx, [input.locationId]);
  const note = { reason: input.reason ?? 'stocktake', reference: input.reference };
  const out = await applyChanges(ctx, [{ ...input, kind: 'ADJUSTMENT', delta: (onHand) => input.counted - onHand }], note);
  return out.get(input.locationId)!;
}

/** Moves units between two locations; both sides in one transaction. */
export async function transferStock(
  ctx: StockContext,
  input: { variantId: string; fromLocationId: string; toLocationId: string; quantity: number; reason?: string | null; reference?: string | null },
) {
  checkVariant(input.variantId);
  checkQuantity(input.quantity, 'quantity', 1);
  if (input.fromLocationId === input.toLocationId) throw appError('BAD_USER_INPUT', 'a transfer needs two different locations', { argument: 'toLocationId' });
  await requireStockAdminAt(ctx, [input.fromLocationId, input.toLocationId]);
  const reference = input.reference ?? `transfer:${crypto.randomUUID()}`;
  const note = { reason: input.reason ?? 'transfer', reference };
  const out = await applyChanges(
    ctx,
    [
      { variantId: input.variantId, locationId: input.fromLocationId, kind: 'TRANSFER_OUT', delta: () => -input.quantity },
      { variantId: input.variantId, locationId: input.toLocationId, kind: 'TRANSFER_IN', delta: () => input.quantity },
    ],
    note,
  );
  return { from: out.get(input.fromLocationId)!, to: out.get(input.toLocationId)! };
}
