import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import { appError, Code } from '@storegraph/schema';
import { decodeCursor, encodeCursor } from '@storegraph/kit';
import type { CustomersContext } from '../context.ts';
import { tillStaff } from '../db/tables.ts';
import { requireTillAdmin, TILL_STAFF_VIEW_COLUMNS, tillStaffView } from './till-registry.service.ts';

/**
 * One page of a channel's till staff by staff code, keyset-paged on the (channel, staff_code) unique index: the
 * cursor is the last staff code shown, so a member added or deactivated between pages neither repeats nor shifts
 * the rest. Read with an explicit column list (never the PIN's hash); the last sign-in comes from a loader.
 */
export async function tillStaffOfChannel(ctx: CustomersContext, channel: string, args: { active?: boolean | null; first: number; after?: string | null }) {
  requireTillAdmin(ctx, channel);
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 200) throw appError(Code.BAD_USER_INPUT, 'first is 1 to 200', { argument: 'first' });
  const where: SQL[] = [eq(tillStaff.channel, channel)];
  if (args.active != null) where.push(eq(tillStaff.status, args.active ? 'ACTIVE' : 'DISABLED'));
  if (args.after != null) {
    const cursor = decodeCursor(args.after);
    if (cursor?.length !== 1 || typeof cursor[0] !== 'string') throw appError(Code.BAD_USER_INPUT, 'malformed cursor', { argument: 'after' });
    where.push(gt(tillStaff.staffCode, cursor[0]));
  }
  const rows = await ctx.db.db
    .select(TILL_STAFF_VIEW_COLUMNS)
    .from(tillStaff)
    .where(and(...where))
    .orderBy(asc(tillStaff.staffCode))
    .limit(args.first + 1);
  const page = rows.slice(0, args.first);
  const last = page.at(-1);
  return {
    nodes: page.map(tillStaffView),
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? encodeCursor([last.staffCode]) : null },
  };
}
