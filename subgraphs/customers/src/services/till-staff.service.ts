import { and, eq, inArray, isNull, notInArray } from 'drizzle-orm';
import { appError, Code, staffCan, TillRole } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { tillSignIns, tillStaff, tills } from '../db/tables.ts';
import { requireTillAdmin, tillStaffView, type TillStaffRow } from './till-registry.service.ts';
import { checkedShops } from './till-shops.service.ts';

export interface UpdateTillStaffInput {
  id: string;
  role?: string | null;
  /** Only these shops of the channel. */
  locationIds?: string[] | null;
  /** Every shop of the channel (what a member registered without shops has). */
  everyShop?: boolean | null;
  /** false deactivates (their open sign-ins end), true lets them sign in again. */
  active?: boolean | null;
}

const inputInvalid = (message: string, field?: string) => ({ __typename: 'TillInputInvalid' as const, message, field });

/**
 * Staff-admin of the member's channel changes a till staff member's role, shops or whether they may sign in.
 * Left-out fields stay as they are; "every shop" is its own flag rather than a null list, so a client that leaves
 * locationIds out never widens a member by accident. In one transaction with the member's row locked: the change,
 * and the end of every open sign-in it no longer allows (all of them on deactivation; those on tills outside the
 * new shops). A sign-in racing the change is still refused on its next request: the POS BFF's lookup
 * (tillSessionFacts) checks the shop and status again. The answer keeps `before` for the audit trail.
 */
export async function updateTillStaff(ctx: CustomersContext, input: UpdateTillStaffInput) {
  if (!ctx.channel.staff) throw appError(Code.UNAUTHENTICATED, 'staff sign-in required');
  const [current]: (TillStaffRow | undefined)[] = await ctx.db.db.select().from(tillStaff).where(eq(tillStaff.id, input.id));
  // Another channel's member is answered as an unknown one: FORBIDDEN would tell a staff admin of any channel
  // which ids exist elsewhere.
  if (!current || !staffCan(ctx.channel, 'staff-admin', current.channel)) throw appError(Code.NOT_FOUND, `no till staff member ${input.id} you manage`);
  requireTillAdmin(ctx, current.channel);
  if (input.role == null && input.locationIds == null && input.everyShop == null && input.active == null) return inputInvalid('nothing to change');
  if (input.everyShop === false) return inputInvalid('true or left out; name the shops in locationIds', 'everyShop');
  if (input.everyShop && input.locationIds != null) return inputInvalid('either locationIds or everyShop', 'locationIds');
  const role = input.role == null ? undefined : TillRole.safeParse(input.role);
  if (role && !role.success) return inputInvalid('CASHIER or MANAGER', 'role');
  let locationIds: string[] | null | undefined;
  if (input.everyShop) locationIds = null;
  else if (input.locationIds != null) {
    const shops = await checkedShops(ctx, current.channel, input.locationIds);
    if ('__typename' in shops) return shops;
    locationIds = shops.ids;
  }
  return ctx.db.db.transaction(async (tx) => {
    const [before] = await tx.select().from(tillStaff).where(eq(tillStaff.id, input.id)).for('update');
    const [after] = await tx
      .update(tillStaff)
      .set({
        ...(role ? { role: role.data } : {}),
        ...(locationIds !== undefined ? { locationIds } : {}),
        ...(input.active != null ? { status: input.active ? ('ACTIVE' as const) : ('DISABLED' as const) } : {}),
      })
      .where(eq(tillStaff.id, input.id))
      .returning();
    const open = and(eq(tillSignIns.tillStaffId, input.id), isNull(tillSignIns.endedAt));
    let ended: { id: string }[] = [];
    if (after!.status !== 'ACTIVE') {
      ended = await tx.update(tillSignIns).set({ endedAt: new Date() }).where(open).returning({ id: tillSignIns.id });
    } else if (after!.locationIds !== null) {
      const outside = tx.select({ id: tills.id }).from(tills).where(notInArray(tills.locationId, after!.locationIds));
      ended = await tx
        .update(tillSignIns)
        .set({ endedAt: new Date() })
        .where(and(open, inArray(tillSignIns.tillId, outside)))
        .returning({ id: tillSignIns.id });
    }
    return { __typename: 'TillStaffChanged' as const, staff: tillStaffView(after!), before: tillStaffView(before!), endedSignIns: ended.length };
  });
}
