import { staffCan, type StaffRole } from '@storegraph/schema';
import { inArray } from 'drizzle-orm';
import { channelLocations, locations } from '../db/tables.ts';
import type { StockContext } from '../context.ts';
import { appError } from '@storegraph/schema';

/** Every location, or the ones bound to a channel the staff member holds `role` on. */
export type LocationScope = { all: true } | { all: false; locationIds: Set<string> };

export async function staffLocationScope(ctx: StockContext, roles: StaffRole[]): Promise<LocationScope> {
  const staff = ctx.channel.staff;
  if (!staff || !roles.some((r) => staff.roles.includes(r))) return { all: false, locationIds: new Set() };
  if (staff.channels.includes('*')) return { all: true };
  const channels = staff.channels.filter((c) => roles.some((r) => staffCan(ctx.channel, r, c)));
  if (channels.length === 0) return { all: false, locationIds: new Set() };
  const rows = await ctx.db.db.select({ locationId: channelLocations.locationId }).from(channelLocations).where(inArray(channelLocations.channel, channels));
  return { all: false, locationIds: new Set(rows.map((r) => r.locationId)) };
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
  if (denied.length > 0) throw appError('FORBIDDEN', `stock-admin on a channel selling from ${denied.join(', ')} is required`);
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
