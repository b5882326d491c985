import type { CustomersContext } from '../context.ts';
import type { companyMembers } from '../db/tables.ts';
import { canSeeAccount } from '../services/customer-access.ts';
import type { Account } from '../services/session.service.ts';

type Ctx = CustomersContext;
type Member = typeof companyMembers.$inferSelect;
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An account the caller may see (and that is not erased), else null. */
export async function visibleAccount(ctx: Ctx, id: string): Promise<Account | null> {
  const account = await ctx.loaders.account.load(id);
  return account && account.status === 'ACTIVE' && (await canSeeAccount(ctx, account)) ? account : null;
}

export const customerResolvers = {
  Customer: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => visibleAccount(ctx, ref.id),
    emailVerified: (a: Account) => a.emailVerifiedAt !== null,
    group: (a: Account) => a.customerGroup,
    createdAt: (a: Account) => iso(a.createdAt),
    addresses: (a: Account, _: unknown, ctx: Ctx) => ctx.loaders.addresses.load(a.id),
    defaultShippingAddress: async (a: Account, _: unknown, ctx: Ctx) => (await ctx.loaders.addresses.load(a.id)).find((x) => x.defaultShipping) ?? null,
    defaultBillingAddress: async (a: Account, _: unknown, ctx: Ctx) => (await ctx.loaders.addresses.load(a.id)).find((x) => x.defaultBilling) ?? null,
    companyMembership: (a: Account, _: unknown, ctx: Ctx) => ctx.loaders.membership.load(a.id),
  },
  CompanyMembership: {
    customer: (m: Member, _: unknown, ctx: Ctx) => ctx.loaders.account.load(m.accountId),
    company: (m: Member, _: unknown, ctx: Ctx) => ctx.loaders.company.load(m.companyId),
    orderLimit: async (m: Member, _: unknown, ctx: Ctx) =>
      m.orderLimit == null ? null : { amount: m.orderLimit, currency: (await ctx.loaders.company.load(m.companyId))!.currency },
    monthlyLimit: async (m: Member, _: unknown, ctx: Ctx) =>
      m.monthlyLimit == null ? null : { amount: m.monthlyLimit, currency: (await ctx.loaders.company.load(m.companyId))!.currency },
  },
};
