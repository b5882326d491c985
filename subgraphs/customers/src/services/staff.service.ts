import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { accountPolicies, accounts, companies } from '../db/tables.ts';
import { staffRealms } from './customer-access.ts';
import { isSlug } from '../domain/account-input.rules.ts';

const SEARCH_MAX = 100;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function searchTerm(search: string, first: number): string {
  const term = search.trim();
  if (term.length < 2 || term.length > 100) throw appError('BAD_USER_INPUT', 'search is 2 to 100 characters');
  if (first < 1 || first > SEARCH_MAX) throw appError('BAD_USER_INPUT', `first is 1 to ${SEARCH_MAX}`);
  return escapeLike(term.toLowerCase());
}

/** Accounts in the realms the staff member's channels reach, by email prefix or any part of the name. */
export async function searchCustomers(ctx: CustomersContext, search: string, first: number) {
  const term = searchTerm(search, first);
  const realms = await staffRealms(ctx, false);
  return ctx.db.db
    .select()
    .from(accounts)
    .where(
      and(
        eq(accounts.status, 'ACTIVE'),
        realms ? inArray(accounts.realm, realms) : undefined,
        or(sql`lower(${accounts.email}) like ${`${term}%`}`, ilike(accounts.name, `%${term}%`)),
      ),
    )
    .orderBy(asc(accounts.email))
    .limit(first);
}

export async function searchCompanies(ctx: CustomersContext, search: string, first: number) {
  const term = searchTerm(search, first);
  const realms = await staffRealms(ctx, false);
  return ctx.db.db
    .select()
    .from(companies)
    .where(and(realms ? inArray(companies.realm, realms) : undefined, ilike(companies.name, `%${term}%`)))
    .orderBy(asc(companies.name))
    .limit(first);
}

/** Whether any account or channel policy uses the realm (a channel without a policy uses its own code). */
async function realmInUse(ctx: CustomersContext, realm: string): Promise<boolean> {
  const [row] = (await ctx.db.db.execute(
    sql`select exists (select 1 from customers.accounts where realm = ${realm}) or exists (select 1 from customers.account_policies where realm = ${realm}) as used`,
  )) as unknown as [{ used: boolean }];
  return row.used;
}

async function policyView(ctx: CustomersContext, channel: string) {
  const realm = await ctx.deps.realms.realmOf(channel);
  const [{ n }] = (await ctx.db.db.execute(
    sql`select count(*)::int as n from customers.account_policies where realm = ${realm} and channel <> ${channel}`,
  )) as unknown as [{ n: number }];
  return { channel, realm, isolated: n === 0 };
}

export async function accountPolicy(ctx: CustomersContext, channel: string) {
  await staffRealms(ctx, false);
  return policyView(ctx, channel);
}

/** Which realm a channel signs people into. Moving a channel to another realm does not move accounts. */
export async function setAccountPolicy(ctx: CustomersContext, channel: string, realm: string) {
  const reach = await staffRealms(ctx, true);
  if (!staffCan(ctx.channel, 'customer-admin', channel)) throw appError('FORBIDDEN', `no customer-admin role on channel ${channel}`);
  if (!isSlug(realm)) throw appError('BAD_USER_INPUT', 'realm is 1 to 64 of a-z, 0-9 and -');
  // Joining a realm in use opens its accounts to this channel (and to this staff member's searches): only
  // for someone whose channels already reach it.
  if (reach !== null && !reach.includes(realm) && (await realmInUse(ctx, realm)))
    throw appError('FORBIDDEN', `realm ${realm} belongs to channels you do not manage`);
  await ctx.db.db
    .insert(accountPolicies)
    .values({ channel, realm })
    .onConflictDoUpdate({ target: accountPolicies.channel, set: { realm, updatedAt: new Date() } });
  ctx.deps.realms.forget(channel);
  return policyView(ctx, channel);
}

export async function setCustomerGroup(ctx: CustomersContext, id: string, group: string | null) {
  const realms = await staffRealms(ctx, true);
  if (group != null && !isSlug(group)) throw appError('BAD_USER_INPUT', 'group is 1 to 64 of a-z, 0-9 and -');
  const [row] = await ctx.db.db
    .update(accounts)
    .set({ customerGroup: group, updatedAt: new Date(), version: sql`${accounts.version} + 1` })
    .where(and(eq(accounts.id, id), eq(accounts.status, 'ACTIVE'), realms ? inArray(accounts.realm, realms) : undefined))
    .returning();
  return row ?? null;
}

/** A company's terms and credit limit, by staff whose channels reach its realm; null for any other company. */
export async function setCompanyTerms(ctx: CustomersContext, companyId: string, paymentTermsDays: number, creditLimit: number) {
  const realms = await staffRealms(ctx, true);
  if (!Number.isInteger(paymentTermsDays) || paymentTermsDays < 0 || paymentTermsDays > 365)
    throw appError('BAD_USER_INPUT', 'paymentTermsDays is 0 to 365', { argument: 'paymentTermsDays' });
  if (creditLimit < 0) throw appError('BAD_USER_INPUT', 'creditLimit is 0 or more', { reason: 'INVALID_AMOUNT', argument: 'creditLimit' });
  const [row] = await ctx.db.db
    .update(companies)
    .set({ paymentTermsDays, creditLimit })
    .where(and(eq(companies.id, companyId), realms ? inArray(companies.realm, realms) : undefined))
    .returning();
  return row ?? null;
}
