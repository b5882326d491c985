import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { appError, IDENTITY_LOOKUP_ISSUER } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { accounts, externalIdentities } from '../db/tables.ts';
import { emailProblem, normaliseEmail } from '../domain/account-input.rules.ts';
import { newAccountId } from './account.service.ts';
import { appendEvent } from './outbox.ts';

export interface ExternalIdentityInput {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name?: string | null;
}

/**
 * The account behind an external provider's user, in the realm of the caller's channel: the one linked to
 * (issuer, subject); else the account with the same email, linked now, but only when the provider says it
 * verified the email (otherwise anyone could claim another's address there); else a new account. Only a BFF
 * may ask, after verifying the provider's token against its JWKS; no client operation reaches this.
 */
export async function accountForExternalIdentity(ctx: CustomersContext, input: ExternalIdentityInput) {
  if (ctx.issuer !== IDENTITY_LOOKUP_ISSUER) throw appError('FORBIDDEN', 'only a BFF identity lookup links external identities');
  if (ctx.channel.channelKind === 'B2B') throw appError('FORBIDDEN', 'trade buyers are invited by their company admin');
  if (input.issuer.length > 300 || input.subject.length > 255) throw appError('BAD_USER_INPUT', 'issuer or subject too long');
  const problem = emailProblem(input.email);
  if (problem) throw appError('BAD_USER_INPUT', problem.message);
  const realm = await ctx.deps.realms.realmOf(ctx.channel.channel);
  const email = normaliseEmail(input.email);
  return ctx.db.db.transaction(async (tx) => {
    const key = and(eq(externalIdentities.issuer, input.issuer), eq(externalIdentities.subject, input.subject), eq(externalIdentities.realm, realm));
    const [linked] = await tx
      .select({ accountId: externalIdentities.accountId })
      .from(externalIdentities)
      .innerJoin(accounts, and(eq(accounts.id, externalIdentities.accountId), eq(accounts.status, 'ACTIVE')))
      .where(key);
    if (linked) return { customerId: linked.accountId, created: false };
    const [byEmail] = input.emailVerified
      ? await tx
          .select()
          .from(accounts)
          // Only a local account whose owner proved the mailbox: else whoever signed up first with someone
          // else's address would be handed the provider user's sign-ins (and keep their own password).
          .where(
            and(
              eq(accounts.realm, realm),
              sql`lower(${accounts.email}) = ${email}`,
              eq(accounts.status, 'ACTIVE'),
              eq(accounts.kind, 'customer'),
              isNotNull(accounts.emailVerifiedAt),
            ),
          )
      : [];
    let account = byEmail;
    if (!account) {
      [account] = await tx
        .insert(accounts)
        .values({
          id: newAccountId(),
          realm,
          email,
          emailVerifiedAt: input.emailVerified ? new Date() : null,
          name: input.name?.trim().slice(0, 120) || null,
          createdChannel: ctx.channel.channel,
        })
        .onConflictDoNothing()
        .returning();
      if (!account) {
        // The same user's first sign-in in another tab won the insert: read its link.
        const [raced] = await tx.select({ accountId: externalIdentities.accountId }).from(externalIdentities).where(key);
        if (raced) return { customerId: raced.accountId, created: false };
        // A local account holds the email and one side has not proved the mailbox: no link, no takeover.
        throw appError('CONFLICT', 'an account with this email exists; sign in with its password and verify the email first');
      }
      await appendEvent(tx, {
        type: 'customer.created',
        channel: ctx.channel.channel,
        aggregateId: account.id,
        aggregateVersion: account.version,
        data: { customerId: account.id, realm, email, name: account.name, identityProvider: input.issuer },
      });
    }
    // Two first sign-ins racing: the loser's link is dropped and it reads the winner's.
    await tx.insert(externalIdentities).values({ issuer: input.issuer, subject: input.subject, realm, accountId: account.id }).onConflictDoNothing();
    const [winner] = await tx.select({ accountId: externalIdentities.accountId }).from(externalIdentities).where(key);
    return { customerId: winner!.accountId, created: !byEmail };
  });
}
