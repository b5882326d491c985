import type { SubgraphClient } from '@storegraph/kit';
import { DependencyUnavailableError, serviceUnavailable, SubgraphUnavailableError } from '@storegraph/kit';

const TILL_SALE_CUSTOMERS = 'query TillSaleCustomers($ids: [ID!]!) { tillSaleCustomers(ids: $ids) { id group } }';

/**
 * The customers of the context's channel among `ids` (an account of kind customer, not erased, in the channel's
 * realm) with their group now; an id left out of the answer is nobody the till may attach. Asked with orders'
 * own service context (only it may ask). Customers not answering is a 503 for the whole batch: the till posts it
 * again, and no sale lands without the customer it was sold to merely because customers was down.
 */
export async function tillSaleCustomers(customers: SubgraphClient, token: string, requestId: string, ids: string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  try {
    const data = await customers.execute<{ tillSaleCustomers: { id: string; group: string | null }[] }>(token, requestId, TILL_SALE_CUSTOMERS, { ids }, 5_000);
    return new Map(data.tillSaleCustomers.map((c) => [c.id, c.group]));
  } catch (err) {
    if (err instanceof DependencyUnavailableError || err instanceof SubgraphUnavailableError) throw serviceUnavailable('customers');
    throw err;
  }
}
