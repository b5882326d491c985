import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { appError, assertMinorUnits, Code } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { tillSessions } from '../db/tables.ts';

type TillSessionRow = typeof tillSessions.$inferSelect;

/** Only a till with a cashier signed in works a drawer; the till and shop come from the signed context. */
export function requireTill(ctx: OrdersContext) {
  const till = ctx.channel.till;
  if (!till || ctx.channel.channelKind !== 'POS' || !ctx.channel.locationId) throw appError(Code.FORBIDDEN, 'only a till with a cashier signed in may do this');
  return { ...till, locationId: ctx.channel.locationId };
}

function view(row: TillSessionRow) {
  const money = (amount: number) => ({ amount, currency: row.currency });
  // No sales are taken at the till yet: the drawer should hold what it was opened with.
  const expected = row.openingFloat;
  return {
    __typename: 'TillSession' as const,
    id: row.id,
    tillId: row.tillId,
    locationId: row.locationId,
    status: row.closedAt ? ('CLOSED' as const) : ('OPEN' as const),
    openedAt: row.openedAt.toISOString(),
    openingFloat: money(row.openingFloat),
    closedAt: row.closedAt?.toISOString() ?? null,
    expectedCash: money(expected),
    countedCash: row.countedCash === null ? null : money(row.countedCash),
    cashDifference: row.countedCash === null ? null : money(row.countedCash - expected),
  };
}

async function openRow(ctx: OrdersContext, tillId: string) {
  const [row] = await ctx.db.db
    .select()
    .from(tillSessions)
    .where(and(eq(tillSessions.tillId, tillId), isNull(tillSessions.closedAt)));
  return row;
}

function amountOf(value: number, argument: string) {
  assertMinorUnits(value);
  if (value < 0) throw appError(Code.BAD_USER_INPUT, `${argument} cannot be negative`, { argument });
  return value;
}

export async function currentTillSession(ctx: OrdersContext) {
  const till = requireTill(ctx);
  const row = await openRow(ctx, till.id);
  return row ? view(row) : null;
}

/** One open session per till: the partial unique index decides a race, the loser is told which one is open. */
export async function openTillSession(ctx: OrdersContext, openingFloat: number) {
  const till = requireTill(ctx);
  const float = amountOf(openingFloat, 'openingFloat');
  const [row] = await ctx.db.db
    .insert(tillSessions)
    .values({
      id: `tss_${randomUUID().replaceAll('-', '')}`,
      tillId: till.id,
      channel: ctx.channel.channel,
      locationId: till.locationId,
      currency: ctx.channel.currency,
      openedBy: till.staffId,
      openingFloat: float,
    })
    .onConflictDoNothing()
    .returning();
  if (row) return view(row);
  const current = await openRow(ctx, till.id);
  return { __typename: 'TillSessionConflict' as const, message: 'this till already has an open session', current: current ? view(current) : null };
}

export async function closeTillSession(ctx: OrdersContext, countedCash: number) {
  const till = requireTill(ctx);
  const counted = amountOf(countedCash, 'countedCash');
  const [row] = await ctx.db.db
    .update(tillSessions)
    .set({ closedAt: new Date(), closedBy: till.staffId, countedCash: counted })
    .where(and(eq(tillSessions.tillId, till.id), isNull(tillSessions.closedAt)))
    .returning();
  if (row) return view(row);
  return { __typename: 'TillSessionConflict' as const, message: 'this till has no open session', current: null };
}
