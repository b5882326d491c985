import { and, eq, inArray } from 'drizzle-orm';
import { appError, CHECKOUT_ISSUER, Code } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { accounts } from '../db/tables.ts';

/** As many ids as an offline batch can name (orders' OFFLINE_BATCH_MAX). */
const MAX_IDS = 1000;

/**
 * Orders asks, when an offline till batch lands, which of the customers its sales' tickets prove (see
 * till-customer-ticket.service.ts) are still customers the channel may attach: an account of kind customer (a
 * buyer is never attached at a till, as online), not erased, in the realm the channel signs people into. Anything
 * else is left out of the answer, and orders lands that sale without a customer, flagged for staff. Only orders' own service context may ask: the answer says whether
 * an id is someone's account.
 */
export async function tillSaleCustomers(ctx: CustomersContext, ids: string[]) {
  if (ctx.issuer !== CHECKOUT_ISSUER) throw appError(Code.FORBIDDEN, 'only orders asks about the customers of till sales');
  if (ids.length > MAX_IDS) throw appError(Code.BAD_USER_INPUT, `at most ${MAX_IDS} ids`, { argument: 'ids' });
  if (ids.length === 0) return [];
  const realm = await ctx.deps.realms.realmOf(ctx.channel.channel);
  return ctx.db.db
    .select({ id: accounts.id, group: accounts.customerGroup })
    .from(accounts)
    .where(and(inArray(accounts.id, [...new Set(ids)]), eq(accounts.kind, 'customer'), eq(accounts.status, 'ACTIVE'), eq(accounts.realm, realm)));
}
