import { appError, staffCan, type StaffRole } from '@storegraph/schema';
import { inArray } from 'drizzle-orm';
import { channelLocations, locations } from '../db/tables.ts';
import type { StockContext } from '../context.ts';

/** Every location, or the ones a grant of the staff member's reaches with one of the permissions. */
export type LocationScope = { all: true } | { all: false; locationIds: Set<string> };

/**
 * Each grant holding one of `roles` reaches the locations bound to its channels (every location for '*'),
 * narrowed to its own `locations` when it names some: a stock-admin of web-eu at the Berlin shop only reaches
 * the Berlin shop, though web-eu also sells from the Hamburg warehouse.
 */
export async function staffLocationScope(ctx: StockContext, roles: StaffRole[]): Promise<LocationScope> {
  const grants = (ctx.channel.staff?.grants ?? []).filter((g) => roles.some((r) => g.permissions.includes(r)));
  if (grants.some((g) => g.locations === undefined && g.channels.includes('*'))) return { all: true };
  const channels = [...new Set(grants.flatMap((g) => g.channels))].filter((c) => c !== '*');
  const rows = channels.length
    ? await ctx.db.db
        .select({ channel: channelLocations.channel, locationId: channelLocations.locationId })
        .from(channelLocations)
        .where(inArray(channelLocations.channel, channels))
    : [];
  const locationIds = new Set<string>();
  for (const g of grants) {
    const reached = g.channels.includes('*') ? null : new Set(rows.filter((r) => g.channels.includes(r.channel)).map((r) => r.locationId));
    // '*' narrowed to locations: exactly those; a channel grant: its channels' locations, narrowed when it names some.
    if (reached === null) for (const l of g.locations ?? []) locationIds.add(l);
    else for (const l of reached) if (g.locations === undefined || g.locations.includes(l)) locationIds.add(l);
  }
  return { all: false, locationIds };
}

export function inScope(scope: LocationScope, locationId: string): boolean {
  return scope.all || scope.locationIds.has(locationId);
}

/**
 * Staff may change stock at a location when they hold `stock-admin` on a channel that sells from it
 * (or on every channel). Unknown locations are BAD_USER_INPUT, checked first so the answer does not
 * depend on the caller's rights.
 */
export async function requireStockAdminAt(ctx: StockContext, locationIds: string[]): Promise<void> {
  const wanted = [...new Set(locationIds)];
  const known = await ctx.db.db.select({ id: locations.id }).from(locations).where(inArray(locations.id, wanted));
  const unknown = wanted.filter((id) => !known.some((k) => k.id === id));
  if (unknown.length > 0) throw appError('BAD_USER_INPUT', `unknown location: ${unknown.join(', ')}`, { locationIds: unknown });
  const scope = await staffLocationScope(ctx, ['stock-admin']);
  const denied = wanted.filter((id) => !inScope(scope, id));
  if (denied.length > 0) throw appError('FORBIDDEN', `stock-admin at ${denied.join(', ')} (on a channel selling from it) is required`);
}

export function requireStockAdminOn(ctx: StockContext, channel: string): void {
  if (!staffCan(ctx.channel, 'stock-admin', channel)) throw appError('FORBIDDEN', `stock-admin on ${channel} is required`);
}

/** Who a movement is attributed to. */
export function actorOf(ctx: StockContext): string {
  const c = ctx.channel;
  if (c.staff) return `staff:${c.staff.id}`;
  if (c.customerId) return `customer:${c.customerId}`;
  if (c.locationId && c.channelKind === 'POS') return `channel:${c.channel}@${c.locationId}`;
  return `channel:${c.channel}`;
}
