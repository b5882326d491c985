import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { appError, StaffPermission } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { staffGrants, staffRoles } from '../db/tables.ts';
import { requireStaffAdmin } from './staff-members.service.ts';
import { notAtLocations } from '../domain/staff-grant.rules.ts';

export type StaffRoleRow = typeof staffRoles.$inferSelect;

const inputInvalid = (message: string, field?: string) => ({ __typename: 'StaffInputInvalid' as const, message, field });

export const roleView = (r: StaffRoleRow) => ({
  __typename: 'StaffRoleDefinition' as const,
  id: r.id,
  name: r.name,
  permissions: r.permissions,
  builtIn: r.builtIn,
  version: r.version,
});

function nameProblem(name: string | null | undefined) {
  if (name == null) return null;
  const trimmed = name.trim();
  return trimmed.length < 1 || trimmed.length > 60 ? { message: 'a role name is 1 to 60 characters', field: 'name' } : null;
}

function permissionsProblem(permissions: string[] | null | undefined) {
  if (permissions == null) return null;
  if (permissions.length < 1 || permissions.length > StaffPermission.options.length)
    return { message: `1 to ${StaffPermission.options.length} permissions`, field: 'permissions' };
  const unknown = permissions.filter((p) => !StaffPermission.safeParse(p).success);
  return unknown.length ? { message: `unknown permission(s): ${unknown.join(', ')}`, field: 'permissions' } : null;
}

export async function staffRolesList(ctx: CustomersContext) {
  requireStaffAdmin(ctx);
  const rows = await ctx.db.db
    .select()
    .from(staffRoles)
    .orderBy(desc(staffRoles.builtIn), asc(sql`lower(${staffRoles.name})`), asc(staffRoles.id));
  return rows.map(roleView);
}

export async function createStaffRole(ctx: CustomersContext, input: { name: string; permissions: string[] }) {
  requireStaffAdmin(ctx);
  const problem = nameProblem(input.name) ?? permissionsProblem(input.permissions);
  if (problem) return inputInvalid(problem.message, problem.field);
  const [row] = await ctx.db.db
    .insert(staffRoles)
    .values({ id: `rol_${randomUUID().replaceAll('-', '').slice(0, 20)}`, name: input.name.trim(), permissions: [...new Set(input.permissions)] })
    .onConflictDoNothing()
    .returning();
  if (!row) return inputInvalid('a role with this name exists', 'name');
  return { __typename: 'StaffRoleChanged' as const, role: roleView(row), before: null };
}

export async function updateStaffRole(ctx: CustomersContext, input: { id: string; version: number; name?: string | null; permissions?: string[] | null }) {
  requireStaffAdmin(ctx);
  const problem = nameProblem(input.name) ?? permissionsProblem(input.permissions);
  if (problem) return inputInvalid(problem.message, problem.field);
  return ctx.db.db.transaction(async (tx) => {
    const [current] = await tx.select().from(staffRoles).where(eq(staffRoles.id, input.id)).for('update');
    if (!current) throw appError('NOT_FOUND', `no staff role ${input.id}`);
    if (current.builtIn) return inputInvalid('built-in roles cannot be changed', 'id');
    if (current.version !== input.version)
      return { __typename: 'StaffRoleVersionConflict' as const, message: `staff role is at version ${current.version}`, current: roleView(current) };
    // Checked first for a clear answer; two renames racing to one name meet the unique index (CONFLICT).
    if (input.name != null) {
      const [taken] = await tx
        .select({ id: staffRoles.id })
        .from(staffRoles)
        .where(and(sql`lower(${staffRoles.name}) = lower(${input.name.trim()})`, ne(staffRoles.id, input.id)));
      if (taken) return inputInvalid('a role with this name exists', 'name');
    }
    // A grant of this role at locations would carry a channel-wide permission it can never use there. The role row is locked: a grant made now waits for this
    // transaction (its foreign key takes a share lock, and grantStaffRole reads the role FOR SHARE).
    const added = notAtLocations((input.permissions ?? []).filter((p) => !current.permissions.includes(p)));
    if (added.length > 0) {
      const [atLocations] = await tx
        .select({ id: staffGrants.id })
        .from(staffGrants)
        .where(and(eq(staffGrants.roleId, input.id), isNotNull(staffGrants.locations)))
        .limit(1);
      if (atLocations) return inputInvalid(`the role is granted at locations, where ${added.join(', ')} would never apply`, 'permissions');
    }
    const [row] = await tx
      .update(staffRoles)
      .set({
        name: input.name?.trim() ?? undefined,
        permissions: input.permissions ? [...new Set(input.permissions)] : undefined,
        updatedAt: new Date(),
        version: sql`${staffRoles.version} + 1`,
      })
      .where(eq(staffRoles.id, input.id))
      .returning();
    return { __typename: 'StaffRoleChanged' as const, role: roleView(row!), before: roleView(current) };
  });
}

/** A role still granted is refused (StaffRoleInUse), never removed from under its holders. */
export async function deleteStaffRole(ctx: CustomersContext, id: string) {
  requireStaffAdmin(ctx);
  return ctx.db.db.transaction(async (tx) => {
    const [current] = await tx.select().from(staffRoles).where(eq(staffRoles.id, id)).for('update');
    if (!current) throw appError('NOT_FOUND', `no staff role ${id}`);
    if (current.builtIn) return inputInvalid('built-in roles cannot be deleted', 'id');
    // The role row is locked: a grant of it made now waits for this transaction (its foreign key takes a share lock).
    const [held] = await tx.select({ n: sql<number>`count(*)::int` }).from(staffGrants).where(eq(staffGrants.roleId, id));
    if (held!.n > 0) return { __typename: 'StaffRoleInUse' as const, message: `revoke its ${held!.n} grant(s) first`, grants: held!.n };
    await tx.delete(staffRoles).where(eq(staffRoles.id, id));
    return { __typename: 'StaffRoleDeleted' as const, id, before: roleView(current) };
  });
}
