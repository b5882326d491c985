import { freePort } from '@storegraph/dev-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { bff, postGraphQL, signedContext, sqlClient } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data, key } from './checkout-support.ts';
import { freshEmail, signUp } from './customers-support.ts';
import { ordersReplica, type OrdersReplica } from './orders-replica-support.ts';
import { registerTill, registerTillStaff, tillSignIn } from './pos-support.ts';
import { BERLIN, priceVariant, receive } from './stock-support.ts';

/**
 * Customers down while an offline batch lands: a second orders process (a replica on the same database) whose
 * customers subgraph does not answer (CUSTOMERS_URL is a port nothing listens on). A batch naming a customer (by the
 * ticket the till was issued for them) is refused whole as retryable and applies nothing, so no sale lands without
 * the customer it was sold to merely because customers was down; a batch naming none never asks. The till then posts the same batch through the POS
 * BFF, where customers answers: the sale lands, the customer's.
 */

const UNIT = 2380;
const POST = `mutation($sales: [OfflineSaleInput!]!) { postOfflineSales(sales: $sales) { results { clientId status flags } } }`;
const sql = sqlClient();
let replica: OrdersReplica | undefined;
let till: { id: string; token: string; staffId: string; signInId: string };
let variantId = '';
let customerId = '';
let ticket = '';
// Sold now: after the customer's ticket was issued (beforeAll), so it proves them.
const sale = (customerTicket: string | null) => ({
  clientId: key('outage'),
  soldAt: new Date().toISOString(),
  lines: [{ variantId, quantity: 1, unitPrice: UNIT }],
  tenders: [{ method: 'CASH', amount: UNIT }],
  ...(customerTicket ? { customerTicket } : {}),
});

/** Straight to the replica, with the context the POS BFF would sign for this till. */
async function postToReplica(sales: unknown[]) {
  const context = await signedContext('pos-berlin', { till: { id: till.id, signInId: till.signInId, staffId: till.staffId, role: 'CASHIER' } });
  return postGraphQL<any>(replica!.url(), { query: POST, variables: { sales } }, { [CONTEXT_HEADER]: context });
}

const applied = async (clientId: string) =>
  (
    await sql<{ customer_id: string | null }[]>`select o.customer_id from orders.till_sales s join orders.orders o on o.id = s.order_id
    where s.till_id = ${till.id} and s.client_id = ${clientId}`
  ).map((r) => r.customer_id);

beforeAll(async () => {
  const admin = await createStaff('pos-outage-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  const cashier = await registerTillStaff(staffToken, 'CASHIER', '2468');
  const t = await registerTill(staffToken, BERLIN);
  const signedIn = await tillSignIn(t, cashier.staffCode, cashier.pin);
  expect(signedIn.__typename).toBe('TillSignedIn');
  const claims = JSON.parse(Buffer.from(signedIn.accessToken.split('.')[1], 'base64url').toString('utf8'));
  till = { id: t.id, token: signedIn.accessToken, staffId: cashier.id, signInId: claims.sid };
  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Offline outage product' });
  variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  await receive(variantId, BERLIN, 10);
  const customer = await signUp(freshEmail('offc-outage'));
  customerId = customer.customerId;
  // Issued while everything answers, with the customer's own token scanned at the till.
  const issued = await bff('pos', 'TillCustomerTicket', {}, { token: till.token, headers: { 'x-till-customer': customer.token } });
  ticket = data(issued).tillCustomerTicket.ticket;
  // A port taken and released: nothing listens there while the test runs.
  replica = ordersReplica({ CUSTOMERS_URL: `http://127.0.0.1:${await freePort()}/graphql` });
  await replica.start();
}, 90_000);

afterAll(async () => {
  replica?.kill();
  await sql.end();
});

describe('an offline batch while customers does not answer', () => {
  it('refuses a batch naming a customer as retryable, applying none of it, and lands it once customers answers', async () => {
    const named = sale(ticket);
    const anonymous = sale(null);
    const refused = await postToReplica([anonymous, named]);
    expect(refused.errors?.map((e: any) => [e.extensions?.code, e.extensions?.service, e.extensions?.retryable])).toEqual([
      ['SERVICE_UNAVAILABLE', 'customers', true],
    ]);
    expect(await applied(anonymous.clientId)).toEqual([]);
    expect(await applied(named.clientId)).toEqual([]);

    // A batch naming no customer does not ask customers.
    const alone = sale(null);
    expect((await postToReplica([alone])).data.postOfflineSales.results).toEqual([{ clientId: alone.clientId, status: 'APPLIED', flags: [] }]);
    expect(await applied(alone.clientId)).toEqual([null]);

    // The till posts the refused batch again, through the POS BFF, where customers answers.
    const results = data(await bff('pos', 'PostOfflineSales', { sales: [anonymous, named] }, { token: till.token })).postOfflineSales.results;
    expect(results.map((r: { status: string; flags: string[] }) => [r.status, r.flags])).toEqual([
      ['APPLIED', []],
      ['APPLIED', []],
    ]);
    expect(await applied(anonymous.clientId)).toEqual([null]);
    expect(await applied(named.clientId)).toEqual([customerId]);
    // 1 + 1 + 1 units sold once each: 10 - 3 = 7 left in Berlin.
    const [level] = await sql<{ on_hand: number }[]>`select on_hand from stock.levels where variant_id = ${variantId} and location_id = ${BERLIN}`;
    expect(level!.on_hand).toBe(7);
  });
});
