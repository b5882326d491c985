import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { appError, staffCan, TillRole } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { tillSignIns, tillStaff, tills } from '../db/tables.ts';
import { newSecretToken } from './session-tokens.ts';
import { checkedShops } from './till-shops.service.ts';

export type TillRow = typeof tills.$inferSelect;
export type TillStaffRow = typeof tillStaff.$inferSelect;

const inputInvalid = (message: string, field?: string) => ({ __typename: 'TillInputInvalid' as const, message, field });

/** A till as the API shows it: never the secret's hash. */
export const tillView = (t: TillRow) => ({
  __typename: 'Till' as const,
  id: t.id,
  channel: t.channel,
  locationId: t.locationId,
  name: t.name,
  status: t.status,
  createdAt: t.createdAt.toISOString(),
});

/** The columns a member's answer shows: never the PIN's hash. */
export const TILL_STAFF_VIEW_COLUMNS = {
  id: tillStaff.id,
  channel: tillStaff.channel,
  staffCode: tillStaff.staffCode,
  name: tillStaff.name,
  role: tillStaff.role,
  locationIds: tillStaff.locationIds,
  status: tillStaff.status,
};

export const tillStaffView = (m: Pick<TillStaffRow, keyof typeof TILL_STAFF_VIEW_COLUMNS>) => ({
  __typename: 'TillStaffMember' as const,
  id: m.id,
  channel: m.channel,
  staffCode: m.staffCode,
  name: m.name,
  role: m.role,
  locationIds: m.locationIds,
  active: m.status === 'ACTIVE',
});

const CHANNEL_CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const LOCATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const STAFF_CODE = /^[A-Za-z0-9]{2,16}$/;
/** A till PIN, at registration, reset and change alike. */
export const PIN = /^[0-9]{4,12}$/;

/** Tills and shop staff are managed per channel: staff-admin on that channel (or on every channel). */
export function requireTillAdmin(ctx: CustomersContext, channel: string): string {
  const staff = ctx.channel.staff;
  if (!staff) throw appError('UNAUTHENTICATED', 'staff sign-in required');
  if (!staffCan(ctx.channel, 'staff-admin', channel)) throw appError('FORBIDDEN', `needs the staff-admin role on channel ${channel}`);
  return staff.id;
}

/**
 * The shop is taken as staff name it: the till then reserves and sells at that location only, and stock refuses
 * a location the POS channel does not sell from, so a wrong id cannot move another shop's goods.
 */
export async function registerTill(ctx: CustomersContext, input: { channel: string; locationId: string; name: string }) {
  const by = requireTillAdmin(ctx, input.channel);
  if (!CHANNEL_CODE.test(input.channel)) return inputInvalid('not a channel code', 'channel');
  if (!LOCATION_ID.test(input.locationId)) return inputInvalid('not a location id', 'locationId');
  const name = input.name.trim();
  if (name.length < 1 || name.length > 80) return inputInvalid('1 to 80 characters', 'name');
  const secret = newSecretToken();
  const [row] = await ctx.db.db
    .insert(tills)
    .values({
      id: `till_${randomUUID().replaceAll('-', '')}`,
      channel: input.channel,
      locationId: input.locationId,
      name,
      secretHash: secret.hash,
      createdBy: by,
    })
    .returning();
  return { __typename: 'TillRegistration' as const, till: tillView(row!), secret: secret.token };
}

/** `locationIds` null or left out: every shop of the channel; else only those (see till-shops.service.ts). */
export async function registerTillStaff(
  ctx: CustomersContext,
  input: { channel: string; staffCode: string; name: string; pin: string; role: string; locationIds?: string[] | null },
) {
  const by = requireTillAdmin(ctx, input.channel);
  if (!CHANNEL_CODE.test(input.channel)) return inputInvalid('not a channel code', 'channel');
  if (!STAFF_CODE.test(input.staffCode)) return inputInvalid('2 to 16 letters and digits', 'staffCode');
  if (!PIN.test(input.pin)) return inputInvalid('4 to 12 digits', 'pin');
  const role = TillRole.safeParse(input.role);
  if (!role.success) return inputInvalid('CASHIER or MANAGER', 'role');
  const name = input.name.trim();
  if (name.length < 1 || name.length > 80) return inputInvalid('1 to 80 characters', 'name');
  let locationIds: string[] | null = null;
  if (input.locationIds != null) {
    const shops = await checkedShops(ctx, input.channel, input.locationIds);
    if ('__typename' in shops) return shops;
    locationIds = shops.ids;
  }
  const pinHash = await ctx.deps.hasher.hash(input.pin);
  const [row] = await ctx.db.db
    .insert(tillStaff)
    .values({
      id: `tst_${randomUUID().replaceAll('-', '')}`,
      channel: input.channel,
      staffCode: input.staffCode,
      name,
      pinHash,
      role: role.data,
      locationIds,
      createdBy: by,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return inputInvalid('this staff code is taken in the channel', 'staffCode');
  return tillStaffView(row);
}

export async function tillsOfChannel(ctx: CustomersContext, channel: string) {
  requireTillAdmin(ctx, channel);
  const rows = await ctx.db.db.select().from(tills).where(eq(tills.channel, channel)).orderBy(asc(tills.createdAt), asc(tills.id));
  return rows.map(tillView);
}

/** Revoking a till ends every sign-in on it in the same transaction: its next request is refused. */
export async function revokeTill(ctx: CustomersContext, id: string) {
  const [till] = await ctx.db.db.select().from(tills).where(eq(tills.id, id));
  if (!till) return null;
  requireTillAdmin(ctx, till.channel);
  return ctx.db.db.transaction(async (tx) => {
    const [row] = await tx.update(tills).set({ status: 'REVOKED' }).where(eq(tills.id, id)).returning();
    await tx
      .update(tillSignIns)
      .set({ endedAt: new Date() })
      .where(and(eq(tillSignIns.tillId, id), isNull(tillSignIns.endedAt)));
    return tillView(row!);
  });
}
