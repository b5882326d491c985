import DataLoader from 'dataloader';
import { asc, inArray, max } from 'drizzle-orm';
import { byKey, groupByKey } from '@storegraph/kit';
import type { CustomersContext } from '../context.ts';
import { grantsOfMembers } from '../services/staff-grants.service.ts';
import { accounts, addresses, companies, companyLocations, companyMembers, tillSignIns } from '../db/tables.ts';

/** Per-request loaders: every relation of Customer and Company is one statement per batch. */
export function createCustomerLoaders(ctx: CustomersContext) {
  const { db } = ctx.db;
  return {
    // A till staff member's latest sign-in: one grouped statement per page (till_sign_ins_staff_recent_idx).
    tillLastSignIn: new DataLoader<string, Date | null>(async (ids) => {
      const rows = await db
        .select({ id: tillSignIns.tillStaffId, at: max(tillSignIns.createdAt) })
        .from(tillSignIns)
        .where(inArray(tillSignIns.tillStaffId, [...ids]))
        .groupBy(tillSignIns.tillStaffId);
      return byKey(ids, rows, (r) => r.id).map((r) => r?.at ?? null);
    }),
    staffGrants: new DataLoader<string, Awaited<ReturnType<typeof grantsOfMembers>>[number]>((ids) => grantsOfMembers(db, ids)),
    account: new DataLoader<string, typeof accounts.$inferSelect | null>(async (ids) =>
      byKey(
        ids,
        await db
          .select()
          .from(accounts)
          .where(inArray(accounts.id, [...ids])),
        (r) => r.id,
      ),
    ),
    membership: new DataLoader<string, typeof companyMembers.$inferSelect | null>(async (ids) =>
      byKey(
        ids,
        await db
          .select()
          .from(companyMembers)
          .where(inArray(companyMembers.accountId, [...ids])),
        (r) => r.accountId,
      ),
    ),
    addresses: new DataLoader<string, (typeof addresses.$inferSelect)[]>(async (ids) => {
      const rows = await db
        .select()
        .from(addresses)
        .where(inArray(addresses.accountId, [...ids]))
        .orderBy(asc(addresses.createdAt), asc(addresses.id));
      return groupByKey(ids, rows, (r) => r.accountId);
    }),
    company: new DataLoader<string, typeof companies.$inferSelect | null>(async (ids) =>
      byKey(
        ids,
        await db
          .select()
          .from(companies)
          .where(inArray(companies.id, [...ids])),
        (r) => r.id,
      ),
    ),
    locations: new DataLoader<string, (typeof companyLocations.$inferSelect)[]>(async (ids) => {
      const rows = await db
        .select()
        .from(companyLocations)
        .where(inArray(companyLocations.companyId, [...ids]))
        .orderBy(asc(companyLocations.name));
      return groupByKey(ids, rows, (r) => r.companyId);
    }),
    members: new DataLoader<string, (typeof companyMembers.$inferSelect)[]>(async (ids) => {
      const rows = await db
        .select()
        .from(companyMembers)
        .where(inArray(companyMembers.companyId, [...ids]))
        .orderBy(asc(companyMembers.addedAt), asc(companyMembers.accountId));
      return groupByKey(ids, rows, (r) => r.companyId);
    }),
  };
}
export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
