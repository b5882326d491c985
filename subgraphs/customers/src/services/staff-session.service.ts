import { randomUUID } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { appError, IDENTITY_LOOKUP_ISSUER } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { staffMembers, staffSessions } from '../db/tables.ts';
import { isUuid, normaliseEmail } from '../domain/account-input.rules.ts';
import type { Tx } from './outbox.ts';
import { hashToken, newSecretToken, signStaffAccessToken } from './session-tokens.ts';
import { sessionGrants } from './staff-grants.service.ts';
import { acceptTotp } from './staff-totp.ts';

export type StaffMemberRow = typeof staffMembers.$inferSelect;

const signInFailed = { __typename: 'SignInFailed' as const, message: 'email or password is wrong' };
const invalid = (message: string) => ({ __typename: 'SessionInvalid' as const, message });

/** A staff member as the API shows them: never the hash or the TOTP secret. */
export const staffView = (m: StaffMemberRow) => ({
  __typename: 'StaffMember' as const,
  id: m.id,
  email: m.email,
  name: m.name,
  roles: m.roles,
  channels: m.channels,
  totpEnabled: m.totpEnabledAt !== null,
  status: m.status,
  version: m.version,
  createdAt: m.createdAt.toISOString(),
});

/** Staff sessions are shorter than a shopper's: a day of refreshes, at most a working week in all. */
const STAFF_REFRESH_TTL_MS = 24 * 3_600_000;
const STAFF_SESSION_MAX_MS = 7 * 24 * 3_600_000;

async function issue(ctx: CustomersContext, tx: Tx, member: StaffMemberRow, familyId: string, signedInAt = new Date()) {
  const refresh = newSecretToken();
  const id = randomUUID();
  const expiresAt = new Date(Math.min(Date.now() + STAFF_REFRESH_TTL_MS, signedInAt.getTime() + STAFF_SESSION_MAX_MS));
  await tx.insert(staffSessions).values({ id, familyId, staffId: member.id, refreshHash: refresh.hash, status: 'ACTIVE', expiresAt });
  const access = await signStaffAccessToken({ sub: member.id, sid: familyId, name: member.name }, ctx.deps.idpSecret);
  return {
    __typename: 'StaffAuthSession' as const,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: `${id}.${refresh.token}`,
    refreshTokenExpiresAt: expiresAt.toISOString(),
    staff: staffView(member),
  };
}

/**
 * Password (argon2id, the same bounded hasher as customers) and, when enrolled, a TOTP code. Failures are
 * throttled per email and per address like customer sign-ins; a wrong or missing code answers TotpRequired
 * only after the password was right, so it tells an attacker nothing the password did not.
 */
export async function staffSignIn(ctx: CustomersContext, input: { email: string; password: string; totpCode?: string | null }) {
  if (input.email.length > 254 || input.password.length > 256) return signInFailed;
  const key = `staff:${normaliseEmail(input.email)}`;
  const wait = await ctx.deps.throttle.attempt(key, ctx.channel.clientIp);
  if (wait > 0) return { __typename: 'SignInThrottled' as const, message: 'too many failed sign-ins; try again later', retryAfterSeconds: wait };
  const [member] = await ctx.db.db
    .select()
    .from(staffMembers)
    .where(sql`lower(${staffMembers.email}) = ${normaliseEmail(input.email)}`);
  const ok = await ctx.deps.hasher.verify(member?.passwordHash, input.password);
  if (!ok || !member || member.status !== 'ACTIVE') return signInFailed;
  return ctx.db.db.transaction(async (tx) => {
    if (member.totpEnabledAt) {
      // The step is claimed under the row lock, so one code cannot open two sessions even when sent twice at once.
      const [locked] = await tx.select().from(staffMembers).where(eq(staffMembers.id, member.id)).for('update');
      const step = input.totpCode ? acceptTotp(locked!.totpSecret!, input.totpCode, locked!.totpLastStep) : null;
      if (step === null) return { __typename: 'TotpRequired' as const, message: 'send the current code from your authenticator app' };
      await tx.update(staffMembers).set({ totpLastStep: step }).where(eq(staffMembers.id, member.id));
    }
    await ctx.deps.throttle.succeeded(key, ctx.channel.clientIp);
    return issue(ctx, tx, member, randomUUID());
  });
}

/** Single-use refresh tokens with reuse detection, as for customers (session.service.ts). */
export async function refreshStaffSession(ctx: CustomersContext, presented: string) {
  const [id, secret] = presented.split('.');
  if (!id || !secret || !isUuid(id) || presented.length > 200) return invalid('refresh token is not valid');
  return ctx.db.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(staffSessions)
      .where(and(eq(staffSessions.id, id), eq(staffSessions.refreshHash, hashToken(secret))))
      .for('update');
    if (!row) return invalid('refresh token is not valid');
    if (row.status === 'ROTATED') {
      await revokeStaffSessions(tx, eq(staffSessions.familyId, row.familyId), 'refresh token reused');
      ctx.log.warn({ familyId: row.familyId, staffId: row.staffId }, 'rotated staff refresh token presented again: session family revoked');
      return invalid('refresh token was already used; every session of this sign-in has been ended');
    }
    if (row.status === 'REVOKED' || row.expiresAt.getTime() <= Date.now()) return invalid('session has ended; sign in again');
    const [member] = await tx.select().from(staffMembers).where(eq(staffMembers.id, row.staffId));
    if (member?.status !== 'ACTIVE') return invalid('session has ended; sign in again');
    await tx.update(staffSessions).set({ status: 'ROTATED', rotatedAt: new Date() }).where(eq(staffSessions.id, row.id));
    const [first] = await tx
      .select({ at: sql<Date>`min(${staffSessions.createdAt})` })
      .from(staffSessions)
      .where(eq(staffSessions.familyId, row.familyId));
    return issue(ctx, tx, member, row.familyId, new Date(first!.at));
  });
}

export async function revokeStaffSessions(tx: Tx, which: ReturnType<typeof eq>, reason: string) {
  await tx
    .update(staffSessions)
    .set({ status: 'REVOKED', revokedAt: new Date(), revokeReason: reason })
    .where(and(which, sql`${staffSessions.status} <> 'REVOKED'`));
}

export async function staffSignOut(ctx: CustomersContext): Promise<boolean> {
  const staff = ctx.channel.staff;
  if (!staff || !ctx.channel.sessionId || !isUuid(ctx.channel.sessionId)) return false;
  await ctx.db.db.transaction((tx) =>
    revokeStaffSessions(tx, and(eq(staffSessions.familyId, ctx.channel.sessionId!), eq(staffSessions.staffId, staff.id))!, 'signed out'),
  );
  return true;
}

/** For the admin BFF's context: the member's roles and channels now, and whether the session still stands. */
export async function staffSessionFacts(ctx: CustomersContext, staffId: string, sessionId: string) {
  if (ctx.issuer !== IDENTITY_LOOKUP_ISSUER) throw appError('FORBIDDEN', 'only a BFF identity lookup reads staff sessions');
  if (!isUuid(sessionId)) return null;
  const [member] = await ctx.db.db.select().from(staffMembers).where(eq(staffMembers.id, staffId));
  if (!member) return null;
  const [alive] = await ctx.db.db
    .select({ id: staffSessions.id })
    .from(staffSessions)
    .where(
      and(
        eq(staffSessions.familyId, sessionId),
        eq(staffSessions.staffId, staffId),
        eq(staffSessions.status, 'ACTIVE'),
        gt(staffSessions.expiresAt, new Date()),
      ),
    )
    .limit(1);
  const grants = await sessionGrants(ctx.db.db, member);
  return { active: member.status === 'ACTIVE' && !!alive, roles: member.roles, channels: member.channels, grants, name: member.name };
}
