import { inArray } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import { locations } from '../db/tables.ts';
import { inScope, staffLocationScope } from './staff-scope.service.ts';

/** Who reads stock reports: report viewers, and whoever may already read the levels they are made of. */
const REPORT_ROLES = ['report-viewer', 'stock-admin', 'viewer'] as const;
const MAX_LOCATIONS = 100;

/**
 * The locations a stock report covers. Asked ones: 1 to 100, unknown ones BAD_USER_INPUT (checked first, so
 * the answer does not depend on the caller's rights), any not bound to a channel the caller holds a report
 * role on FORBIDDEN, the whole report refused (a partial answer would read as the whole). Not asked: every
 * location of the caller's channels, in id order.
 */
export async function reportLocations(ctx: StockContext, asked: string[] | null | undefined): Promise<string[]> {
  const scope = await staffLocationScope(ctx, [...REPORT_ROLES]);
  if (!scope.all && scope.locationIds.size === 0) throw appError('FORBIDDEN', 'report-viewer, stock-admin or viewer rights are required');
  if (asked == null) {
    if (!scope.all) return [...scope.locationIds].sort();
    const all = await ctx.db.db.select({ id: locations.id }).from(locations).orderBy(locations.id);
    return all.map((l) => l.id);
  }
  const wanted = [...new Set(asked)];
  if (wanted.length === 0 || wanted.length > MAX_LOCATIONS) throw appError('BAD_USER_INPUT', `1 to ${MAX_LOCATIONS} locations`, { argument: 'locationIds' });
  const known = await ctx.db.db.select({ id: locations.id }).from(locations).where(inArray(locations.id, wanted));
  const unknown = wanted.filter((id) => !known.some((k) => k.id === id));
  if (unknown.length > 0) throw appError('BAD_USER_INPUT', `unknown location: ${unknown.join(', ')}`, { argument: 'locationIds', locationIds: unknown });
  const denied = wanted.filter((id) => !inScope(scope, id));
  if (denied.length > 0) throw appError('FORBIDDEN', `no report rights on a channel selling from ${denied.join(', ')}`);
  return wanted;
}

/** An ISO 8601 instant argument, or BAD_USER_INPUT naming it. */
export function instantArg(value: string, argument: string): Date {
  const at = /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw appError('BAD_USER_INPUT', `${argument} is not an ISO 8601 instant`, { argument });
  return at;
}
