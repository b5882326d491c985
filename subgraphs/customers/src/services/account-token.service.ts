import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { CustomersContext } from '../context.ts';
import { accounts, accountTokens, mailSecrets, type TokenPurpose } from '../db/tables.ts';
import { passwordProblem } from '../domain/account-input.rules.ts';
import { appendEvent, type Tx } from './outbox.ts';
import { hashToken, newSecretToken } from './session-tokens.ts';
import { revokeAccountSessions, type Account } from './session.service.ts';
import { findByEmail, requireCustomer } from './account.service.ts';

const EVENT: Record<TokenPurpose, 'customer.email_verification_requested' | 'customer.password_reset_requested'> = {
  VERIFY_EMAIL: 'customer.email_verification_requested',
  RESET_PASSWORD: 'customer.password_reset_requested',
};
const tokenInvalid = { __typename: 'TokenInvalid' as const, message: 'this link is not valid any more; ask for a new one' };

/**
 * A single-use, expiring token for a link in a mail. The subgraph never sends mail: the outbox event (written in
 * this transaction) tells the mailer to send one and names the token by id; the mailer reads the plain token
 * from `mail_secrets`, which only it may read and which loses it once used. Only the hash authenticates. A new
 * token of the same purpose replaces older unused ones.
 */
export async function issueAccountToken(ctx: CustomersContext, tx: Tx, account: Account, purpose: TokenPurpose, reason = purpose.toLowerCase()) {
  const ttlMs = purpose === 'VERIFY_EMAIL' ? ctx.deps.verifyEmailTtlHours * 3_600_000 : ctx.deps.resetPasswordTtlMinutes * 60_000;
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(Date.now() + ttlMs);
  await tx
    .update(accountTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(accountTokens.accountId, account.id), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
  const tokenId = randomUUID();
  await tx.insert(accountTokens).values({ id: tokenId, accountId: account.id, purpose, tokenHash: hash, expiresAt });
  await tx.insert(mailSecrets).values({ tokenId, token });
  await appendEvent(tx, {
    type: EVENT[purpose],
    channel: ctx.channel.channel,
    aggregateId: account.id,
    aggregateVersion: account.version,
    data: { customerId: account.id, email: account.email, name: account.name, tokenId, expiresAt: expiresAt.toISOString(), reason },
  });
}

/** Marks a token used in the same statement that finds it, so two clicks on one link cannot both succeed. */
async function consume(tx: Tx, token: string, purpose: TokenPurpose) {
  if (token.length > 100) return undefined;
  const [row] = await tx
    .update(accountTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(accountTokens.tokenHash, hashToken(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, new Date()),
      ),
    )
    .returning({ id: accountTokens.id, accountId: accountTokens.accountId });
  if (row) await tx.delete(mailSecrets).where(eq(mailSecrets.tokenId, row.id));
  return row;
}

export async function requestEmailVerification(ctx: CustomersContext): Promise<boolean> {
  const id = requireCustomer(ctx);
  const account = await ctx.loaders.account.load(id);
  if (account?.status !== 'ACTIVE' || account.emailVerifiedAt) return false;
  await ctx.db.db.transaction((tx) => issueAccountToken(ctx, tx, account, 'VERIFY_EMAIL'));
  return true;
}

export async function verifyEmail(ctx: CustomersContext, token: string) {
  return ctx.db.db.transaction(async (tx) => {
    const used = await consume(tx, token, 'VERIFY_EMAIL');
    if (!used) return tokenInvalid;
    const [customer] = await tx
      .update(accounts)
      .set({ emailVerifiedAt: new Date(), updatedAt: new Date(), version: sql`${accounts.version} + 1` })
      .where(and(eq(accounts.id, used.accountId), eq(accounts.status, 'ACTIVE')))
      .returning();
    return customer ? { __typename: 'EmailVerified' as const, customer } : tokenInvalid;
  });
}

/** Always true: whether the email has an account is told only to its owner's mailbox. */
export async function requestPasswordReset(ctx: CustomersContext, email: string): Promise<boolean> {
  if (email.length > 254) return true;
  const realm = await ctx.deps.realms.realmOf(ctx.channel.channel);
  const account = await findByEmail(ctx, realm, email);
  if (account) await ctx.db.db.transaction((tx) => issueAccountToken(ctx, tx, account, 'RESET_PASSWORD'));
  return true;
}

/** Sets a new password from a mailed token and ends every session of the account (whoever held them). */
export async function resetPassword(ctx: CustomersContext, token: string, newPassword: string) {
  // Checked before the token is spent, so a weak password does not burn the link. Tokens are 43 characters;
  // a dead one (used, expired or of another purpose) costs no hash.
  const [row] =
    token.length > 100
      ? []
      : await ctx.db.db
          .select({ accountId: accountTokens.accountId })
          .from(accountTokens)
          .where(
            and(
              eq(accountTokens.tokenHash, hashToken(token)),
              eq(accountTokens.purpose, 'RESET_PASSWORD'),
              isNull(accountTokens.usedAt),
              gt(accountTokens.expiresAt, new Date()),
            ),
          );
  const account = row ? await ctx.loaders.account.load(row.accountId) : undefined;
  if (account?.status !== 'ACTIVE') return tokenInvalid;
  const problem = passwordProblem(newPassword, account.email);
  if (problem) return { __typename: 'AccountInputInvalid' as const, ...problem };
  const passwordHash = await ctx.deps.hasher.hash(newPassword);
  return ctx.db.db.transaction(async (tx) => {
    const used = await consume(tx, token, 'RESET_PASSWORD');
    if (!used) return tokenInvalid;
    // Following the link proves the mailbox, so it verifies the email too (how an invited buyer gets started).
    const [updated] = await tx
      .update(accounts)
      .set({ passwordHash, emailVerifiedAt: sql`coalesce(${accounts.emailVerifiedAt}, now())`, updatedAt: new Date(), version: sql`${accounts.version} + 1` })
      .where(eq(accounts.id, used.accountId))
      .returning();
    await revokeAccountSessions(tx, used.accountId, 'password reset');
    await appendEvent(tx, {
      type: 'customer.password_changed',
      channel: ctx.channel.channel,
      aggregateId: used.accountId,
      aggregateVersion: updated!.version,
      data: { customerId: used.accountId, email: updated!.email },
    });
    return { __typename: 'PasswordReset' as const, message: 'password changed; sign in with the new one' };
  });
}
