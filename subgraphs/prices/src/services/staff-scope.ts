import { appError, staffCan, staffHolds, type StaffRole } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';

/**
 * Staff act only on channels their role is scoped to. Global things (base, group or company books not
 * tied to a channel, FX rates) need the role for every channel (`*`).
 */
export function assertStaff(ctx: PricesContext, channel: string | null, roles: StaffRole[] = ['pricing-admin']): void {
  const scope = channel ?? '*';
  if (!roles.some((r) => staffCan(ctx.channel, r, scope))) {
    throw appError('FORBIDDEN', channel ? `requires ${roles.join(' or ')} for channel ${channel}` : `requires ${roles.join(' or ')} for every channel`);
  }
}

/** True when the caller holds `role` for at least one channel; the scope is checked per object later. */
export function isStaffWith(ctx: PricesContext, role: StaffRole): boolean {
  return staffHolds(ctx.channel, role);
}
