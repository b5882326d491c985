import type { CustomersContext } from '../context.ts';
import type { companies, companyLocations } from '../db/tables.ts';
import { buyersVisibleTo } from '../services/company.service.ts';
import { staffRealms } from '../services/customer-access.ts';

type Ctx = CustomersContext;
type Company = typeof companies.$inferSelect;

/** A company is visible to its own members and to staff whose channels reach its realm. */
async function visibleCompany(ctx: Ctx, id: string): Promise<Company | null> {
  const company = await ctx.loaders.company.load(id);
  if (!company) return null;
  if (ctx.channel.staff) {
    const realms = await staffRealms(ctx, false).catch(() => undefined);
    return realms === null || realms?.includes(company.realm) ? company : null;
  }
  const viewer = ctx.channel.customerId;
  const mine = viewer ? await ctx.loaders.membership.load(viewer) : null;
  return mine?.companyId === id ? company : null;
}

export const companyResolvers = {
  Company: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => visibleCompany(ctx, ref.id),
    creditLimit: (c: Company) => ({ amount: c.creditLimit, currency: c.currency }),
    locations: (c: Company, _: unknown, ctx: Ctx) => ctx.loaders.locations.load(c.id),
    buyers: (c: Company, _: unknown, ctx: Ctx) => buyersVisibleTo(ctx, c.id),
  },
  CompanyLocation: {
    address: (l: typeof companyLocations.$inferSelect) => l.address,
  },
};
