import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { accounts } from '../db/tables.ts';
import { emailProblem, nameProblem, normaliseEmail, passwordProblem, type InputProblem } from '../domain/account-input.rules.ts';
import { appendEvent } from './outbox.ts';
import { issueAccountToken } from './account-token.service.ts';
import { sessionAlive, startSession, type Account } from './session.service.ts';

const inputInvalid = (p: InputProblem) => ({ __typename: 'AccountInputInvalid' as const, ...p });
const signInFailed = { __typename: 'SignInFailed' as const, message: 'email or password is wrong' };

export const newAccountId = () => `cus_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

export async function findByEmail(ctx: CustomersContext, realm: string, email: string): Promise<Account | undefined> {
  const [row] = await ctx.db.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.realm, realm), sql`lower(${accounts.email}) = ${normaliseEmail(email)}`, eq(accounts.status, 'ACTIVE')));
  return row;
}

/**
 * A new customer account in the realm of the caller's channel, signed in at once. Trade accounts are not
 * made here: a company admin adds its buyers. The hash is computed before the transaction, so no row lock
 * waits on 25 ms of argon2.
 */
export async function signUp(ctx: CustomersContext, input: { email: string; password: string; name?: string | null }) {
  if (ctx.channel.channelKind === 'B2B') throw appError('FORBIDDEN', 'trade accounts are created by the company admin');
  const problem = emailProblem(input.email) ?? nameProblem(input.name) ?? passwordProblem(input.password, input.email);
  if (problem) return inputInvalid(problem);
  const realm = await ctx.deps.realms.realmOf(ctx.channel.channel);
  const email = normaliseEmail(input.email);
  const passwordHash = await ctx.deps.hasher.hash(input.password);
  return ctx.db.db.transaction(async (tx) => {
    const [account] = await tx
      .insert(accounts)
      .values({ id: newAccountId(), realm, email, passwordHash, name: input.name?.trim() ?? null, createdChannel: ctx.channel.channel })
      .onConflictDoNothing()
      .returning();
    if (!account) return { __typename: 'EmailTaken' as const, message: 'an account with this email exists; sign in or reset the password' };
    await appendEvent(tx, {
      type: 'customer.created',
      channel: ctx.channel.channel,
      aggregateId: account.id,
      aggregateVersion: account.version,
      data: { customerId: account.id, realm, email, name: account.name },
    });
    await issueAccountToken(ctx, tx, account, 'VERIFY_EMAIL');
    return startSession(ctx, tx, account);
  });
}

/**
 * Same answer, in about the same time, for an unknown email and a wrong password: an unknown email still
 * costs one argon2 verification (against a decoy hash). Every attempt is counted before the check; a success
 * clears the count.
 */
export async function signIn(ctx: CustomersContext, input: { email: string; password: string }) {
  if (input.email.length > 254 || input.password.length > 256) return signInFailed;
  const realm = await ctx.deps.realms.realmOf(ctx.channel.channel);
  const key = `${realm}:${normaliseEmail(input.email)}`;
  const wait = await ctx.deps.throttle.attempt(key, ctx.channel.clientIp);
  if (wait > 0) return { __typename: 'SignInThrottled' as const, message: 'too many failed sign-ins; try again later', retryAfterSeconds: wait };
  const account = await findByEmail(ctx, realm, input.email);
  const ok = await ctx.deps.hasher.verify(account?.passwordHash, input.password);
  // A trade buyer removed from their company keeps the account but may not sign in to the portal.
  const member = ok && account?.kind === 'buyer' ? await ctx.loaders.membership.load(account.id) : null;
  if (!ok || !account || (account.kind === 'buyer' && !member)) return signInFailed;
  await ctx.deps.throttle.succeeded(key, ctx.channel.clientIp);
  return ctx.db.db.transaction((tx) => startSession(ctx, tx, account));
}

export async function updateProfile(ctx: CustomersContext, input: { name?: string | null }) {
  const id = requireCustomer(ctx);
  const problem = nameProblem(input.name);
  if (problem) return inputInvalid(problem);
  const [row] = await ctx.db.db
    .update(accounts)
    .set({ name: input.name?.trim() ?? null, updatedAt: new Date(), version: sql`${accounts.version} + 1` })
    .where(and(eq(accounts.id, id), eq(accounts.status, 'ACTIVE')))
    .returning();
  if (!row) throw appError('NOT_FOUND', 'no account');
  return { __typename: 'Customer' as const, ...row };
}

export function requireCustomer(ctx: CustomersContext): string {
  const id = ctx.channel.customerId;
  if (!id) throw appError('UNAUTHENTICATED', 'sign in first');
  return id;
}

/** What a BFF needs to build this caller's context: read from the record, so a change applies within its cache time. */
export async function viewerSession(ctx: CustomersContext) {
  const { customerId, sessionId } = ctx.channel;
  if (!customerId) return null;
  const [account, member, realm] = await Promise.all([
    ctx.loaders.account.load(customerId),
    ctx.loaders.membership.load(customerId),
    ctx.deps.realms.realmOf(ctx.channel.channel),
  ]);
  if (!account) return null;
  const company = member ? await ctx.loaders.company.load(member.companyId) : null;
  const limit = (amount: number | null | undefined) => (amount != null && company ? { amount, currency: company.currency } : null);
  // Tokens from the development identity provider carry no session; the BFF accepts those only in development.
  const alive = account.status === 'ACTIVE' && (!sessionId || (await sessionAlive(ctx, customerId, sessionId)));
  return {
    customerId,
    active: alive,
    inRealm: account.realm === realm,
    kind: account.kind,
    group: account.customerGroup,
    companyId: member?.companyId ?? null,
    companyRole: member?.role ?? null,
    orderLimit: limit(member?.orderLimit),
    monthlyLimit: limit(member?.monthlyLimit),
    paymentTermsDays: company?.paymentTermsDays ?? null,
    creditLimit: company ? { amount: company.creditLimit, currency: company.currency } : null,
  };
}
