import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { appError, CUSTOMERS_SERVICE_ISSUER, signChannelContext } from '@storegraph/schema';
import type { Logger } from '@storegraph/kit';
import type { CustomersContext, CustomersDb, CustomersDeps } from '../context.ts';
import { accounts, accountTokens, addresses, companyMembers, erasures, externalIdentities, sessions } from '../db/tables.ts';
import { appendEvent } from './outbox.ts';
import { requireCustomer } from './account.service.ts';
import { staffRealms } from './customer-access.ts';

/** Everything this subgraph holds about the caller, as one JSON document (secrets and hashes left out). */
export async function exportMyData(ctx: CustomersContext) {
  const id = requireCustomer(ctx);
  const account = await ctx.loaders.account.load(id);
  if (account?.status !== 'ACTIVE') return null;
  const { db } = ctx.db;
  const [book, member, signIns, providers] = await Promise.all([
    ctx.loaders.addresses.load(id),
    ctx.loaders.membership.load(id),
    db
      .select({ channel: sessions.channel, createdAt: sessions.createdAt, status: sessions.status })
      .from(sessions)
      .where(eq(sessions.accountId, id))
      .orderBy(sessions.createdAt),
    db
      .select({ issuer: externalIdentities.issuer, subject: externalIdentities.subject, linkedAt: externalIdentities.createdAt })
      .from(externalIdentities)
      .where(eq(externalIdentities.accountId, id)),
  ]);
  const document = {
    account: {
      id: account.id,
      email: account.email,
      emailVerifiedAt: account.emailVerifiedAt,
      name: account.name,
      customerGroup: account.customerGroup,
      realm: account.realm,
      createdChannel: account.createdChannel,
      createdAt: account.createdAt,
    },
    addresses: book.map((a) => ({
      label: a.label,
      address: a.address,
      defaultShipping: a.defaultShipping,
      defaultBilling: a.defaultBilling,
      createdAt: a.createdAt,
    })),
    company: member && { companyId: member.companyId, role: member.role, orderLimit: member.orderLimit, monthlyLimit: member.monthlyLimit },
    sessions: signIns,
    identityProviders: providers,
  };
  return { generatedAt: new Date().toISOString(), json: JSON.stringify(document) };
}

/**
 * Erasure: the account keeps its id (orders and invoices refer to it) and loses everything personal in one
 * transaction; orders are told to forget the person on its orders through the erasures queue, retried by
 * `anonymisePendingErasures` until orders confirms, so an erasure survives orders being down.
 */
async function erase(ctx: CustomersContext, accountId: string, requestedBy: string): Promise<boolean> {
  const erased = await ctx.db.db.transaction(async (tx) => {
    const [row] = await tx
      .update(accounts)
      .set({
        status: 'ERASED',
        email: `erased+${accountId}@invalid`,
        name: null,
        passwordHash: null,
        customerGroup: null,
        emailVerifiedAt: null,
        erasedAt: new Date(),
        updatedAt: new Date(),
        version: sql`${accounts.version} + 1`,
      })
      .where(and(eq(accounts.id, accountId), eq(accounts.status, 'ACTIVE')))
      .returning();
    if (!row) return false;
    await tx.delete(addresses).where(eq(addresses.accountId, accountId));
    // mail_secrets go with their tokens (ON DELETE CASCADE).
    await tx.delete(accountTokens).where(eq(accountTokens.accountId, accountId));
    await tx.delete(companyMembers).where(eq(companyMembers.accountId, accountId));
    // A provider's subject names the person too; the next sign-in with it starts a new account.
    await tx.delete(externalIdentities).where(eq(externalIdentities.accountId, accountId));
    // Earlier events keep their type, ids and shape (receivers validate them against the catalogue); the
    // name and email in them go. Mailed tokens' secrets went with account_tokens.
    await tx.execute(
      sql`update customers.outbox set data = (data - 'name') || case when data ? 'email' then jsonb_build_object('email', ${`erased+${accountId}@invalid`}::text) else '{}'::jsonb end
          where aggregate_id = ${accountId}`,
    );
    await tx.update(sessions).set({ status: 'REVOKED', revokedAt: new Date(), revokeReason: 'erased' }).where(eq(sessions.accountId, accountId));
    await tx.insert(erasures).values({ accountId, requestedBy });
    await appendEvent(tx, {
      type: 'customer.erased',
      channel: ctx.channel.channel,
      aggregateId: accountId,
      aggregateVersion: row.version,
      data: { customerId: accountId },
    });
    return true;
  });
  if (erased) await anonymisePendingErasures(ctx.db, ctx.deps, ctx.log, accountId);
  return erased;
}

export function eraseMyAccount(ctx: CustomersContext): Promise<boolean> {
  const id = requireCustomer(ctx);
  return erase(ctx, id, `customer:${id}`);
}

export async function eraseCustomer(ctx: CustomersContext, id: string): Promise<boolean> {
  const realms = await staffRealms(ctx, true);
  const account = await ctx.loaders.account.load(id);
  if (!account || (realms && !realms.includes(account.realm))) throw appError('NOT_FOUND', 'no such customer in your channels');
  return erase(ctx, id, `staff:${ctx.channel.staff!.id}`);
}

const ANONYMISE = 'mutation Anonymise($customerId: ID!) { anonymiseCustomerOrders(customerId: $customerId) }';

/** Asks orders to forget each erased person not yet confirmed (one, or every pending one for the job). */
export async function anonymisePendingErasures(db: CustomersDb, deps: CustomersDeps, log: Logger, only?: string): Promise<number> {
  const pending = await db.db
    .select({ accountId: erasures.accountId })
    .from(erasures)
    .where(and(isNull(erasures.ordersAnonymisedAt), lt(erasures.attempts, 1000), only ? eq(erasures.accountId, only) : undefined))
    .limit(50);
  let done = 0;
  for (const { accountId } of pending) {
    try {
      const token = await signChannelContext(
        {
          requestId: `erasure-${accountId}`,
          channel: 'system',
          channelKind: 'B2C',
          currency: 'XXX',
          locale: 'en',
          country: 'ZZ',
          taxMode: 'INCLUSIVE',
        },
        deps.contextSecret,
        CUSTOMERS_SERVICE_ISSUER,
      );
      await deps.orders.execute(token, `erasure-${accountId}`, ANONYMISE, { customerId: accountId });
      await db.db
        .update(erasures)
        .set({ ordersAnonymisedAt: new Date(), attempts: sql`${erasures.attempts} + 1` })
        .where(eq(erasures.accountId, accountId));
      done++;
    } catch (err) {
      log.warn({ err, accountId }, 'orders did not anonymise an erased customer yet; will retry');
      await db.db
        .update(erasures)
        .set({ attempts: sql`${erasures.attempts} + 1`, lastError: String((err as Error).message).slice(0, 500) })
        .where(eq(erasures.accountId, accountId));
    }
  }
  return done;
}
