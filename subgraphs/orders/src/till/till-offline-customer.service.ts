import { readTillCustomerTicket } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { tillSaleCustomers } from '../clients/customers.client.ts';
import type { OfflineSaleInput } from './till-offline.validation.ts';

/** As a manager's approval: a till's clock a little ahead of the server's does not void a ticket. */
const SKEW_SECONDS = 30;

/** The customer a sale is recorded for, and what it is priced at; `flagged`: the till named one that does not count. */
export interface OfflineCustomer {
  customerId: string | null;
  group: string | null;
  flagged: boolean;
  /** For staff only (never in the answer): the customer a valid ticket named, when they could not be recorded. */
  namedId: string | null;
}

const NONE: OfflineCustomer = { customerId: null, group: null, flagged: false, namedId: null };

/**
 * Each sale's customer, proved by the ticket the till was issued while the customer stood at it: signed for this
 * till, and the sale made while it was valid. The customers it proves are asked of the customers subgraph once per
 * batch (erased or another realm's since: not recorded). A sale whose ticket proves no customer the channel may
 * attach, for whatever reason (forged, another till's, expired, unknown, erased), lands without one under the one
 * flag CUSTOMER_UNKNOWN: the till learns nothing about whether an id is someone's account.
 */
export async function offlineCustomers(ctx: OrdersContext, service: string, tillId: string, sales: OfflineSaleInput[]): Promise<Map<string, OfflineCustomer>> {
  const proved = new Map<string, string | null>();
  for (const s of sales) {
    if (!s.customerTicket) continue;
    const ticket = await readTillCustomerTicket(s.customerTicket, ctx.deps.contextSecret);
    const at = Math.floor(Date.parse(s.soldAt) / 1000);
    const valid = ticket && ticket.tillId === tillId && at >= ticket.issuedAt - SKEW_SECONDS && at <= ticket.expiresAt + SKEW_SECONDS;
    proved.set(s.clientId, valid ? ticket.customerId : null);
  }
  const named = [...new Set([...proved.values()].filter((id): id is string => id !== null))];
  const customers = await tillSaleCustomers(ctx.deps.customers, service, ctx.channel.requestId, named);
  const out = new Map<string, OfflineCustomer>();
  for (const s of sales) {
    if (!proved.has(s.clientId)) {
      out.set(s.clientId, NONE);
      continue;
    }
    const id = proved.get(s.clientId)!;
    out.set(
      s.clientId,
      id && customers.has(id)
        ? { customerId: id, group: customers.get(id) ?? null, flagged: false, namedId: id }
        : { customerId: null, group: null, flagged: true, namedId: id },
    );
  }
  return out;
}
