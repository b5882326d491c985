import { appError, staffChannels, staffHolds } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import type { Account } from './session.service.ts';

const STAFF_READ = ['customer-admin', 'viewer'] as const;
const STAFF_WRITE = ['customer-admin'] as const;

/** Staff who may read (or with `customer-admin`, change) customers, and the realms their channels reach (null = all). */
export async function staffRealms(ctx: CustomersContext, write: boolean): Promise<string[] | null> {
  const staff = ctx.channel.staff;
  const permissions = write ? STAFF_WRITE : STAFF_READ;
  const allowed = permissions.some((p) => staffHolds(ctx.channel, p));
  if (!staff || !allowed) throw appError('FORBIDDEN', write ? 'needs the customer-admin role' : 'needs the customer-admin or viewer role');
  // Once per request and mode: a list of 50 customers asks for the realms once, not 50 times. Read and write
  // reach differ (viewer on '*' with customer-admin on web-eu reads every realm, writes web-eu's only), so a
  // read answered first must never be reused for a write.
  const mode = write ? 'write' : 'read';
  ctx.staffRealms ??= {};
  ctx.staffRealms[mode] ??= ctx.deps.realms.realmsOf(staffChannels(ctx.channel, permissions));
  return ctx.staffRealms[mode];
}

/**
 * The one rule for reading an account: its owner; an admin or approver of the same company; staff whose
 * channels reach its realm. Everyone else gets null, as if it did not exist.
 */
export async function canSeeAccount(ctx: CustomersContext, account: Account): Promise<boolean> {
  if (account.id === ctx.channel.customerId) return true;
  if (ctx.channel.staff) {
    const realms = await staffRealms(ctx, false).catch(() => undefined);
    return realms === null || realms?.includes(account.realm) === true;
  }
  const viewer = ctx.channel.customerId;
  if (!viewer) return false;
  const [mine, theirs] = await Promise.all([ctx.loaders.membership.load(viewer), ctx.loaders.membership.load(account.id)]);
  return !!mine && !!theirs && mine.companyId === theirs.companyId && mine.role !== 'BUYER';
}
