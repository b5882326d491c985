import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { appError, assertMinorUnits, Code } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { tillSales, tillSessions } from '../db/tables.ts';
import { sessionRefunds, tillReport } from './till-report.service.ts';

type TillSessionRow = typeof tillSessions.$inferSelect;

/** Only a till with a cashier signed in works a drawer; the till and shop come from the signed context. */
export function requireTill(ctx: OrdersContext) {
  const till = ctx.channel.till;
  if (!till || ctx.channel.channelKind !== 'POS' || !ctx.channel.locationId) throw appError(Code.FORBIDDEN, 'only a till with a cashier signed in may do this');
  return { ...till, locationId: ctx.channel.locationId };
}

/** The cash the session's sales left in the drawer (cash tendered minus change) less the cash its returns paid out. */
async function cashTaken(ctx: OrdersContext, sessionId: string): Promise<number> {
  const [row] = await ctx.db.db
    .select({ cash: sql<string>`coalesce(sum(${tillSales.cashTaken}), 0)` })
    .from(tillSales)
    .where(eq(tillSales.tillSessionId, sessionId));
  return Number(row!.cash) - (await sessionRefunds(ctx, sessionId)).cash;
}

async function view(ctx: OrdersContext, row: TillSessionRow) {
  const money = (amount: number) => ({ amount, currency: row.currency });
  const expected = row.openingFloat + (await cashTaken(ctx, row.id));
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
    // Resolved only when asked (TillSession.report).
    report: () => tillReport(ctx, row),
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
  return row ? view(ctx, row) : null;
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
  if (row) return view(ctx, row);
  const current = await openRow(ctx, till.id);
  return { __typename: 'TillSessionConflict' as const, message: 'this till already has an open session', current: current ? await view(ctx, current) : null };
}

export async function closeTillSession(ctx: OrdersContext, countedCash: number) {
  const till = requireTill(ctx);
  const counted = amountOf(countedCash, 'countedCash');
  const [row] = await ctx.db.db
    .update(tillSessions)
    .set({ closedAt: new Date(), closedBy: till.staffId, countedCash: counted })
    .where(and(eq(tillSessions.tillId, till.id), isNull(tillSessions.closedAt)))
    .returning();
  if (row) return view(ctx, row);
  return { __typename: 'TillSessionConflict' as const, message: 'this till has no open session', current: null };
}
