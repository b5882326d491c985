import { randomUUID } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { CustomersContext } from '../context.ts';
import { accounts, sessions } from '../db/tables.ts';
import { hashToken, newSecretToken, signAccessToken } from './session-tokens.ts';
import { isUuid } from '../domain/account-input.rules.ts';
import type { Tx } from './outbox.ts';

export type Account = typeof accounts.$inferSelect;

export interface AuthSession {
  __typename: 'AuthSession';
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  customer: Account;
}

const invalid = (message: string) => ({ __typename: 'SessionInvalid' as const, message });

/** A refresh-token row and the access token that goes with it; `familyId` is the sign-in it descends from. */
async function issue(ctx: CustomersContext, tx: Tx, account: Account, familyId: string, signedInAt = new Date()): Promise<AuthSession> {
  const refresh = newSecretToken();
  const id = randomUUID();
  // Each refresh slides the expiry, but never past the sign-in's absolute limit: then the person signs in again.
  const sliding = Date.now() + ctx.deps.refreshTtlDays * 86_400_000;
  const expiresAt = new Date(Math.min(sliding, signedInAt.getTime() + ctx.deps.sessionMaxDays * 86_400_000));
  await tx
    .insert(sessions)
    .values({ id, familyId, accountId: account.id, channel: ctx.channel.channel, refreshHash: refresh.hash, status: 'ACTIVE', expiresAt });
  const access = await signAccessToken(
    { sub: account.id, kind: account.kind, sid: familyId, name: account.name ?? undefined },
    ctx.deps.idpSecret,
    ctx.deps.accessTtlSeconds,
  );
  return {
    __typename: 'AuthSession',
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    // The row id travels with the secret so the lookup is by primary key, not by hash alone.
    refreshToken: `${id}.${refresh.token}`,
    refreshTokenExpiresAt: expiresAt.toISOString(),
    customer: account,
  };
}

/** A new sign-in: a new session family. */
export function startSession(ctx: CustomersContext, tx: Tx, account: Account): Promise<AuthSession> {
  return issue(ctx, tx, account, randomUUID());
}

/**
 * Exchanges a refresh token for the next pair. The token is single use: the first request locks its row
 * (SELECT ... FOR UPDATE) and marks it ROTATED, so of two racing refreshes the second sees ROTATED, and presenting a ROTATED token again is
 * treated as theft: every session of that sign-in is revoked, the thief's and the owner's alike.
 */
export async function refreshSession(ctx: CustomersContext, presented: string) {
  const [id, secret] = presented.split('.');
  // 200 characters is three times a real token (36 + 1 + 43): anything longer is not one of ours.
  if (!id || !secret || !isUuid(id) || presented.length > 200) return invalid('refresh token is not valid');
  const realm = await ctx.deps.realms.realmOf(ctx.channel.channel);
  return ctx.db.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.refreshHash, hashToken(secret))))
      .for('update');
    if (!row) return invalid('refresh token is not valid');
    if (row.status === 'ROTATED') {
      await revokeFamily(tx, row.familyId, 'refresh token reused');
      ctx.log.warn({ familyId: row.familyId, accountId: row.accountId }, 'rotated refresh token presented again: session family revoked');
      return invalid('refresh token was already used; every session of this sign-in has been ended');
    }
    if (row.status === 'REVOKED' || row.expiresAt.getTime() <= Date.now()) return invalid('session has ended; sign in again');
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, row.accountId));
    if (account?.status !== 'ACTIVE' || account.realm !== realm) return invalid('session has ended; sign in again');
    await tx.update(sessions).set({ status: 'ROTATED', rotatedAt: new Date() }).where(eq(sessions.id, row.id));
    const [first] = await tx
      .select({ at: sql<Date>`min(${sessions.createdAt})` })
      .from(sessions)
      .where(eq(sessions.familyId, row.familyId));
    return issue(ctx, tx, account, row.familyId, new Date(first!.at));
  });
}

export async function revokeFamily(tx: Tx, familyId: string, reason: string) {
  await tx
    .update(sessions)
    .set({ status: 'REVOKED', revokedAt: new Date(), revokeReason: reason })
    .where(and(eq(sessions.familyId, familyId), sql`${sessions.status} <> 'REVOKED'`));
}

export async function revokeAccountSessions(tx: Tx, accountId: string, reason: string) {
  await tx
    .update(sessions)
    .set({ status: 'REVOKED', revokedAt: new Date(), revokeReason: reason })
    .where(and(eq(sessions.accountId, accountId), sql`${sessions.status} <> 'REVOKED'`));
}

/** Ends the caller's sign-in. Idempotent: signing out twice is still signed out. */
export async function signOut(ctx: CustomersContext): Promise<boolean> {
  const { customerId, sessionId } = ctx.channel;
  if (!customerId || !sessionId) return false;
  await ctx.db.db.transaction(async (tx) => {
    await tx
      .update(sessions)
      .set({ status: 'REVOKED', revokedAt: new Date(), revokeReason: 'signed out' })
      .where(and(eq(sessions.familyId, sessionId), eq(sessions.accountId, customerId), sql`${sessions.status} <> 'REVOKED'`));
  });
  return true;
}

/** Is the sign-in behind an access token still alive (not signed out, revoked, or past its refresh expiry)? */
export async function sessionAlive(ctx: CustomersContext, accountId: string, familyId: string): Promise<boolean> {
  if (!isUuid(familyId)) return false;
  const [row] = await ctx.db.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.familyId, familyId), eq(sessions.accountId, accountId), eq(sessions.status, 'ACTIVE'), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return !!row;
}
