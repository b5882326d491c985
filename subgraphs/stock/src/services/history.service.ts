import { and, asc, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor } from '@storegraph/kit';
import type { StockContext } from '../context.ts';
import { levels, movements } from '../db/tables.ts';
import { inScope, staffLocationScope } from './staff-scope.service.ts';
import { appError } from '@storegraph/schema';

const READ_ROLES = ['stock-admin', 'viewer'] as const;

async function readScope(ctx: StockContext) {
  const scope = await staffLocationScope(ctx, [...READ_ROLES]);
  if (!scope.all && scope.locationIds.size === 0) throw appError('FORBIDDEN', 'stock-admin or viewer rights are required');
  return scope;
}

/** Staff: a variant's levels at the locations their channels sell from. */
export async function stockLevelsOf(ctx: StockContext, variantId: string) {
  const scope = await readScope(ctx);
  const rows = await ctx.db.db.select().from(levels).where(eq(levels.variantId, variantId)).orderBy(asc(levels.locationId));
  return rows.filter((r) => inScope(scope, r.locationId));
}

/** Staff: the ledger of a variant, newest first, keyset-paged by movement id. */
export async function stockMovementsOf(ctx: StockContext, args: { variantId: string; locationId?: string | null; first: number; after?: string | null }) {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 200)
    throw appError('BAD_USER_INPUT', 'first must be from 1 to 200', { argument: 'first' });
  const scope = await readScope(ctx);
  if (args.locationId && !inScope(scope, args.locationId)) throw appError('FORBIDDEN', `no rights on ${args.locationId}`);
  const conditions: SQL[] = [eq(movements.variantId, args.variantId)];
  if (args.locationId) conditions.push(eq(movements.locationId, args.locationId));
  else if (!scope.all) conditions.push(inArray(movements.locationId, [...scope.locationIds]));
  if (args.after) {
    const cursor = decodeCursor(args.after);
    if (!cursor || typeof cursor[0] !== 'number') throw appError('BAD_USER_INPUT', 'after is not a cursor from this list', { argument: 'after' });
    conditions.push(lt(movements.id, cursor[0]));
  }
  const rows = await ctx.db.db
    .select()
    .from(movements)
    .where(and(...conditions))
    .orderBy(desc(movements.id))
    .limit(args.first + 1);
  const nodes = rows.slice(0, args.first);
  const last = nodes.at(-1);
  return { nodes, pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? encodeCursor([last.id]) : null } };
}
