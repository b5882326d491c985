import { and, eq } from 'drizzle-orm';
import { appError, Code, signTillCustomerTicket } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { accounts } from '../db/tables.ts';

/**
 * A till, online, with a customer attached (the POS BFF verified their own access token in x-till-customer and
 * signed them into the context), asks for a ticket it keeps for that customer's offline sales: signed for this
 * till and customer, for CUSTOMERS_TILL_CUSTOMER_TICKET_TTL_HOURS (24 by default). Only a customer the channel may
 * attach gets one (an account of kind customer, not erased, in the channel's realm), as orders checks again when
 * the sales land.
 */
export async function issueTillCustomerTicket(ctx: CustomersContext) {
  const till = ctx.channel.till;
  if (!till || ctx.channel.channelKind !== 'POS') throw appError(Code.FORBIDDEN, 'a customer ticket is issued to a till');
  const customerId = ctx.channel.customerId;
  if (!customerId) throw appError(Code.UNAUTHENTICATED, "x-till-customer must carry the customer's access token");
  const realm = await ctx.deps.realms.realmOf(ctx.channel.channel);
  const [account] = await ctx.db.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.id, customerId), eq(accounts.kind, 'customer'), eq(accounts.status, 'ACTIVE'), eq(accounts.realm, realm)));
  if (!account) throw appError(Code.UNAUTHENTICATED, "x-till-customer must carry the customer's access token");
  const { token, expiresAt } = await signTillCustomerTicket({ tillId: till.id, customerId }, ctx.deps.contextSecret, ctx.deps.tillCustomerTicketTtlSeconds);
  return { ticket: token, customerId, expiresAt: expiresAt.toISOString() };
}
