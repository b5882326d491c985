import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { appError, StaffRole, staffCan } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { staffMembers, staffSessions } from '../db/tables.ts';
import { normaliseEmail } from '../domain/account-input.rules.ts';
import { revokeStaffSessions, staffView, type StaffMemberRow } from './staff-session.service.ts';
import { acceptTotp, newTotpSecret } from './staff-totp.ts';

const inputInvalid = (message: string, field?: string) => ({ __typename: 'StaffInputInvalid' as const, message, field });

/**
 * Staff management needs `staff-admin` on every channel ('*'): whoever grants roles on a channel could
 * otherwise grant themselves a channel they do not hold.
 */
export function requireStaffAdmin(ctx: CustomersContext) {
  const staff = ctx.channel.staff;
  if (!staff) throw appError('UNAUTHENTICATED', 'staff sign-in required');
  if (!staffCan(ctx.channel, 'staff-admin', '*')) throw appError('FORBIDDEN', "needs the staff-admin role on every channel ('*')");
  return staff;
}

function requireSignedInStaff(ctx: CustomersContext): string {
  const staff = ctx.channel.staff;
  if (!staff) throw appError('UNAUTHENTICATED', 'staff sign-in required');
  return staff.id;
}

function rolesProblem(roles: string[] | null | undefined, channels: string[] | null | undefined): { message: string; field: string } | null {
  if (roles) {
    if (roles.length > 20) return { message: 'at most 20 roles', field: 'roles' };
    const unknown = roles.filter((r) => !StaffRole.safeParse(r).success);
    if (unknown.length) return { message: `unknown role(s): ${unknown.join(', ')}`, field: 'roles' };
  }
  if (channels) {
    if (channels.length === 0 || channels.length > 100) return { message: 'one to 100 channels', field: 'channels' };
    if (channels.some((c) => !/^(\*|[a-z0-9][a-z0-9-]{0,63})$/.test(c))) return { message: "channels are channel codes or '*'", field: 'channels' };
  }
  return null;
}

const passwordProblem = (p: string) => (p.length < 12 || p.length > 256 ? { message: 'a staff password is 12 to 256 characters', field: 'password' } : null);

export async function staffMembersList(ctx: CustomersContext) {
  requireStaffAdmin(ctx);
  return (await ctx.db.db.select().from(staffMembers).orderBy(asc(staffMembers.email))).map(staffView);
}

export async function staffMe(ctx: CustomersContext) {
  const id = ctx.channel.staff?.id;
  if (!id) return null;
  const [m] = await ctx.db.db.select().from(staffMembers).where(eq(staffMembers.id, id));
  return m ? staffView(m) : null;
}

export async function createStaffMember(ctx: CustomersContext, input: { email: string; name: string; password: string; roles: string[]; channels: string[] }) {
  requireStaffAdmin(ctx);
  const email = normaliseEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) return inputInvalid('not an email address', 'email');
  const name = input.name.trim();
  if (!name || name.length > 100) return inputInvalid('a name is 1 to 100 characters', 'name');
  const problem = passwordProblem(input.password) ?? rolesProblem(input.roles, input.channels);
  if (problem) return inputInvalid(problem.message, problem.field);
  const passwordHash = await ctx.deps.hasher.hash(input.password);
  const [row] = await ctx.db.db
    .insert(staffMembers)
    .values({ id: `stf_${randomUUID().replaceAll('-', '').slice(0, 20)}`, email, name, passwordHash, roles: input.roles, channels: input.channels })
    .onConflictDoNothing()
    .returning();
  if (!row) return { __typename: 'StaffEmailTaken' as const, message: 'a staff member with this email exists' };
  return staffView(row);
}

export async function updateStaffMember(
  ctx: CustomersContext,
  input: {
    id: string;
    version: number;
    name?: string | null;
    roles?: string[] | null;
    channels?: string[] | null;
    status?: 'ACTIVE' | 'DISABLED' | null;
    password?: string | null;
  },
) {
  const admin = requireStaffAdmin(ctx);
  const problem = rolesProblem(input.roles, input.channels) ?? (input.password != null ? passwordProblem(input.password) : null);
  if (problem) return inputInvalid(problem.message, problem.field);
  if (input.name != null && (!input.name.trim() || input.name.length > 100)) return inputInvalid('a name is 1 to 100 characters', 'name');
  // Nobody locks themselves out: the last way back in would be the database.
  if (input.id === admin.id && (input.status === 'DISABLED' || (input.roles && !input.roles.includes('staff-admin'))))
    return inputInvalid('you cannot disable yourself or drop your own staff-admin role', 'id');
  const passwordHash = input.password != null ? await ctx.deps.hasher.hash(input.password) : undefined;
  return ctx.db.db.transaction(async (tx) => {
    const [current] = await tx.select().from(staffMembers).where(eq(staffMembers.id, input.id)).for('update');
    if (!current) throw appError('NOT_FOUND', `no staff member ${input.id}`);
    if (current.version !== input.version)
      return { __typename: 'StaffVersionConflict' as const, message: `staff member is at version ${current.version}`, current: staffView(current) };
    const [row] = await tx
      .update(staffMembers)
      .set({
        name: input.name?.trim() ?? undefined,
        roles: input.roles ?? undefined,
        channels: input.channels ?? undefined,
        status: input.status ?? undefined,
        passwordHash,
        updatedAt: new Date(),
        version: sql`${staffMembers.version} + 1`,
      })
      .where(eq(staffMembers.id, input.id))
      .returning();
    // Roles and channels apply through the admin BFF's short cache; a disabled member or a new password ends sessions now.
    if (input.status === 'DISABLED' || passwordHash)
      await revokeStaffSessions(tx, eq(staffSessions.staffId, input.id), input.status === 'DISABLED' ? 'disabled' : 'password reset');
    return staffView(row as StaffMemberRow);
  });
}

/** A new secret for the caller, pending until confirmed; enrolling again replaces a pending (or active) one only on confirm. */
export async function beginTotpEnrolment(ctx: CustomersContext) {
  const id = requireSignedInStaff(ctx);
  const [m] = await ctx.db.db.select().from(staffMembers).where(eq(staffMembers.id, id));
  if (!m) throw appError('FORBIDDEN', 'only built-in staff accounts enrol a one-time code');
  const { secret, uri } = newTotpSecret(m.email);
  // Pending in totp_secret only while TOTP is not yet on: an active secret is never swapped by an unconfirmed one.
  if (m.totpEnabledAt) throw appError('CONFLICT', 'a one-time code is already enabled');
  await ctx.db.db.update(staffMembers).set({ totpSecret: secret, updatedAt: new Date() }).where(eq(staffMembers.id, id));
  return { secret, uri };
}

export async function confirmTotpEnrolment(ctx: CustomersContext, code: string) {
  const id = requireSignedInStaff(ctx);
  return ctx.db.db.transaction(async (tx) => {
    const [m] = await tx.select().from(staffMembers).where(eq(staffMembers.id, id)).for('update');
    if (!m?.totpSecret) return { __typename: 'TokenInvalid' as const, message: 'start enrolment first' };
    if (m.totpEnabledAt) throw appError('CONFLICT', 'a one-time code is already enabled');
    const step = acceptTotp(m.totpSecret, code, m.totpLastStep);
    if (step === null) return { __typename: 'TokenInvalid' as const, message: 'the code does not match; check the device clock and try the next one' };
    const [row] = await tx
      .update(staffMembers)
      .set({ totpEnabledAt: new Date(), totpLastStep: step, updatedAt: new Date(), version: sql`${staffMembers.version} + 1` })
      .where(and(eq(staffMembers.id, id)))
      .returning();
    return staffView(row!);
  });
}
