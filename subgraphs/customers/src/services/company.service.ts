import { and, eq, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { accounts, companyMembers, type CompanyRole } from '../db/tables.ts';
import { emailProblem, nameProblem, normaliseEmail } from '../domain/account-input.rules.ts';
import { newAccountId, requireCustomer } from './account.service.ts';
import { issueAccountToken } from './account-token.service.ts';
import { appendEvent } from './outbox.ts';
import { revokeAccountSessions } from './session.service.ts';

/** Limits beyond this are typos, not budgets (10^12 minor units is ten billion euros). */
const LIMIT_MAX = 1_000_000_000_000;

export async function myCompany(ctx: CustomersContext) {
  const id = ctx.channel.customerId;
  const member = id ? await ctx.loaders.membership.load(id) : null;
  return member ? ctx.loaders.company.load(member.companyId) : null;
}

/** The caller's membership, which must be ADMIN: the record decides, not the token or the context. */
async function requireCompanyAdmin(ctx: CustomersContext) {
  const id = requireCustomer(ctx);
  const member = await ctx.loaders.membership.load(id);
  if (member?.role !== 'ADMIN') throw appError('FORBIDDEN', 'only a company admin manages buyers');
  return member;
}

function limitProblem(field: string, v: number | null | undefined) {
  if (v == null) return null;
  return Number.isSafeInteger(v) && v >= 0 && v <= LIMIT_MAX
    ? null
    : { __typename: 'AccountInputInvalid' as const, field, message: `${field} is 0 to ${LIMIT_MAX} minor units` };
}

/** Buyers a company admin, approver or the buyer themself may see: never another company's. */
export async function buyersVisibleTo(ctx: CustomersContext, companyId: string) {
  const viewer = ctx.channel.customerId;
  const members = await ctx.loaders.members.load(companyId);
  if (ctx.channel.staff) return members;
  const mine = viewer ? await ctx.loaders.membership.load(viewer) : null;
  if (!mine || mine.companyId !== companyId) return [];
  return mine.role === 'BUYER' ? members.filter((m) => m.accountId === viewer) : members;
}

/**
 * A company admin adds a buyer: an account in the company's realm with no password, and an invitation
 * (a password-reset token mailed through the outbox) with which the buyer sets one.
 */
export async function addCompanyBuyer(
  ctx: CustomersContext,
  input: { email: string; name: string; role: CompanyRole; orderLimit?: number | null; monthlyLimit?: number | null },
) {
  const admin = await requireCompanyAdmin(ctx);
  const problem = emailProblem(input.email) ?? nameProblem(input.name);
  if (problem) return { __typename: 'AccountInputInvalid' as const, ...problem };
  const bad = limitProblem('orderLimit', input.orderLimit) ?? limitProblem('monthlyLimit', input.monthlyLimit);
  if (bad) return bad;
  const company = await ctx.loaders.company.load(admin.companyId);
  if (!company) throw appError('NOT_FOUND', 'company not found');
  return ctx.db.db.transaction(async (tx) => {
    const [account] = await tx
      .insert(accounts)
      .values({
        id: newAccountId(),
        realm: company.realm,
        kind: 'buyer',
        email: normaliseEmail(input.email),
        name: input.name.trim(),
        createdChannel: ctx.channel.channel,
      })
      .onConflictDoNothing()
      .returning();
    if (!account) return { __typename: 'EmailTaken' as const, message: 'an account with this email exists' };
    const [member] = await tx
      .insert(companyMembers)
      .values({
        accountId: account.id,
        companyId: company.id,
        role: input.role,
        orderLimit: input.orderLimit ?? null,
        monthlyLimit: input.monthlyLimit ?? null,
      })
      .returning();
    await appendEvent(tx, {
      type: 'customer.created',
      channel: ctx.channel.channel,
      aggregateId: account.id,
      aggregateVersion: account.version,
      data: { customerId: account.id, realm: company.realm, email: account.email, name: account.name, companyId: company.id, role: input.role },
    });
    await issueAccountToken(ctx, tx, account, 'RESET_PASSWORD', 'invitation');
    return { __typename: 'CompanyMembership' as const, ...member! };
  });
}

/** Another buyer's role and limits. Nobody changes their own: a buyer cannot raise their limit, an admin cannot demote the last admin. */
export async function updateCompanyBuyer(
  ctx: CustomersContext,
  input: {
    customerId: string;
    role?: CompanyRole | null;
    orderLimit?: number | null;
    monthlyLimit?: number | null;
    clearOrderLimit?: boolean | null;
    clearMonthlyLimit?: boolean | null;
  },
) {
  const admin = await requireCompanyAdmin(ctx);
  if (input.customerId === admin.accountId) throw appError('FORBIDDEN', 'nobody changes their own role or limits; ask another admin');
  const bad = limitProblem('orderLimit', input.orderLimit) ?? limitProblem('monthlyLimit', input.monthlyLimit);
  if (bad) return bad;
  const [member] = await ctx.db.db
    .update(companyMembers)
    .set({
      ...(input.role ? { role: input.role } : {}),
      ...(input.clearOrderLimit ? { orderLimit: null } : input.orderLimit != null ? { orderLimit: input.orderLimit } : {}),
      ...(input.clearMonthlyLimit ? { monthlyLimit: null } : input.monthlyLimit != null ? { monthlyLimit: input.monthlyLimit } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(companyMembers.accountId, input.customerId), eq(companyMembers.companyId, admin.companyId)))
    .returning();
  // Another company's buyer looks exactly like no buyer at all.
  if (!member) throw appError('NOT_FOUND', 'no such buyer in your company');
  return { __typename: 'CompanyMembership' as const, ...member };
}

/** Removes another buyer from the company and ends their sessions; the account stays (its orders are the company's). */
export async function removeCompanyBuyer(ctx: CustomersContext, customerId: string): Promise<boolean> {
  const admin = await requireCompanyAdmin(ctx);
  if (customerId === admin.accountId) throw appError('FORBIDDEN', 'an admin cannot remove themself; ask another admin');
  return ctx.db.db.transaction(async (tx) => {
    const removed = await tx
      .delete(companyMembers)
      .where(and(eq(companyMembers.accountId, customerId), eq(companyMembers.companyId, admin.companyId)))
      .returning({ id: companyMembers.accountId });
    if (removed.length === 0) return false;
    await revokeAccountSessions(tx, customerId, 'removed from company');
    await tx
      .update(accounts)
      .set({ updatedAt: new Date(), version: sql`${accounts.version} + 1` })
      .where(eq(accounts.id, customerId));
    return true;
  });
}
