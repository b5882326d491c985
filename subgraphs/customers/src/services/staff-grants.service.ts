import { randomUUID } from 'node:crypto';
import { asc, eq, inArray } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { CustomersContext, CustomersDb } from '../context.ts';
import { staffGrants, staffMembers, staffRoles } from '../db/tables.ts';
import { requireStaffAdmin } from './staff-members.service.ts';
import { staffView, type StaffMemberRow } from './staff-session.service.ts';
import { roleView } from './staff-roles.service.ts';
import { notAtLocations } from '../domain/staff-grant.rules.ts';

const inputInvalid = (message: string, field?: string) => ({ __typename: 'StaffInputInvalid' as const, message, field });
const CHANNEL = /^(\*|[a-z0-9][a-z0-9-]{0,63})$/;
const LOCATION = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Every grant rides in each signed context (at most 100 there, the base grant among them). */
const MAX_GRANTS = 50;

type Db = CustomersDb['db'];

async function grantRows(db: Db, staffIds: readonly string[]) {
  return db
    .select({ grant: staffGrants, role: staffRoles })
    .from(staffGrants)
    .innerJoin(staffRoles, eq(staffRoles.id, staffGrants.roleId))
    .where(inArray(staffGrants.staffId, [...staffIds]))
    .orderBy(asc(staffGrants.createdAt), asc(staffGrants.id));
}

const grantView = (r: Awaited<ReturnType<typeof grantRows>>[number]) => ({
  id: r.grant.id,
  role: roleView(r.role),
  channels: r.grant.channels,
  locations: r.grant.locations,
  grantedBy: r.grant.grantedBy,
  grantedAt: r.grant.createdAt.toISOString(),
});

/** The grants of several members, one statement (StaffMember.grants' loader). */
export async function grantsOfMembers(db: Db, staffIds: readonly string[]) {
  const rows = await grantRows(db, staffIds);
  return staffIds.map((id) => rows.filter((r) => r.grant.staffId === id).map(grantView));
}

/** What a session may do: the member's base grant (their roles on their channels), then each granted role. */
export async function sessionGrants(db: Db, member: StaffMemberRow) {
  const base = member.roles.length > 0 ? [{ permissions: member.roles, channels: member.channels, locations: null }] : [];
  const granted = (await grantRows(db, [member.id])).map((r) => ({
    permissions: r.role.permissions,
    channels: r.grant.channels,
    locations: r.grant.locations,
  }));
  return [...base, ...granted];
}

function grantProblem(input: { channels: string[]; locations?: string[] | null }) {
  if (input.channels.length < 1 || input.channels.length > 100 || !input.channels.every((c) => CHANNEL.test(c)))
    return { message: "1 to 100 channel codes or '*'", field: 'channels' };
  if (input.locations != null && (input.locations.length < 1 || input.locations.length > 100 || !input.locations.every((l) => LOCATION.test(l))))
    return { message: '1 to 100 location ids, or none for the whole channels', field: 'locations' };
  return null;
}

async function changed(ctx: CustomersContext, staffId: string, before: ReturnType<typeof grantView>[]) {
  const [member] = await ctx.db.db.select().from(staffMembers).where(eq(staffMembers.id, staffId));
  return { __typename: 'StaffGrantsChanged' as const, staff: staffView(member!), before };
}

export async function grantStaffRole(ctx: CustomersContext, input: { staffId: string; roleId: string; channels: string[]; locations?: string[] | null }) {
  const admin = requireStaffAdmin(ctx);
  const problem = grantProblem(input);
  if (problem) return inputInvalid(problem.message, problem.field);
  const before = await ctx.db.db.transaction(async (tx) => {
    // The member row is locked before counting: two grants racing for the 50th would both count 49 and make 51
    // (and past 99 with the base grant, signing the member's context would throw). The second waits and counts 50.
    const [member] = await tx.select({ id: staffMembers.id }).from(staffMembers).where(eq(staffMembers.id, input.staffId)).for('update');
    if (!member) throw appError('NOT_FOUND', `no staff member ${input.staffId}`);
    // FOR SHARE: a role change adding a permission no location can use (updateStaffRole) waits for this grant, then sees it.
    const [role] = await tx.select().from(staffRoles).where(eq(staffRoles.id, input.roleId)).for('share');
    if (!role) return inputInvalid(`no staff role ${input.roleId}`, 'roleId');
    // Any other permission is only ever checked on a whole channel: a grant narrowed to locations would never apply.
    if (input.locations != null && notAtLocations(role.permissions).length > 0)
      return inputInvalid('only roles of stock-admin, viewer or report-viewer are granted at locations', 'locations');
    const held = (await grantRows(tx, [input.staffId])).map(grantView);
    if (held.length >= MAX_GRANTS) return inputInvalid(`a staff member holds at most ${MAX_GRANTS} grants`, 'staffId');
    await tx.insert(staffGrants).values({
      id: `grt_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      staffId: input.staffId,
      roleId: role.id,
      channels: [...new Set(input.channels)],
      locations: input.locations ? [...new Set(input.locations)] : null,
      grantedBy: admin.id,
    });
    return held;
  });
  if (!Array.isArray(before)) return before;
  return changed(ctx, input.staffId, before);
}

export async function revokeStaffGrant(ctx: CustomersContext, id: string) {
  const admin = requireStaffAdmin(ctx);
  const [grant] = await ctx.db.db
    .select({ staffId: staffGrants.staffId, permissions: staffRoles.permissions })
    .from(staffGrants)
    .innerJoin(staffRoles, eq(staffRoles.id, staffGrants.roleId))
    .where(eq(staffGrants.id, id));
  if (!grant) throw appError('NOT_FOUND', `no staff grant ${id}`);
  // As with the base roles: nobody takes away their own staff-admin (the last way back in would be the database).
  if (grant.staffId === admin.id && grant.permissions.includes('staff-admin')) return inputInvalid('you cannot revoke your own staff-admin grant', 'id');
  const before = (await grantRows(ctx.db.db, [grant.staffId])).map(grantView);
  const [gone] = await ctx.db.db.delete(staffGrants).where(eq(staffGrants.id, id)).returning({ id: staffGrants.id });
  // Revoked by someone else in between: the same answer as an unknown grant.
  if (!gone) throw appError('NOT_FOUND', `no staff grant ${id}`);
  return changed(ctx, grant.staffId, before);
}
