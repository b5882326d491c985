import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient, system } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { data, key, testCustomer } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, gateway, ok, priceVariant, receive } from './stock-support.ts';
import { issueGuestToken } from '../../bffs/kit/src/identity.ts';

/**
 * A customer attached at the till (issue #15, item 2): the till sends the customer's own access token (their app's
 * code, scanned) in `x-till-customer`, and the sale is priced with their group's prices, as the web shop prices
 * them. Anything but a customer's valid token is refused, and nothing is sold.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const tag = `${process.pid}${Date.now().toString(36)}`;
const group = `till-gold-${tag}`;
const PRICING_ADMIN = { staff: { id: 'stf_pos_customer', roles: ['pricing-admin' as const], channels: ['*'] } };
let token = '';
let variantId = '';

const sale = (headers: Record<string, string>, expected: number) =>
  bff(
    'pos',
    'TillSale',
    { input: { idempotencyKey: key('cust'), lines: [{ variantId, quantity: 2 }], expectedTotal: eur(expected), tenders: [{ method: 'CASH', amount: 5000 }] } },
    { token, headers },
  );

beforeAll(async () => {
  const admin = await createStaff('pos-cust-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  const cashier = await registerTillStaff(staffToken, 'CASHIER', '8642');
  const till = await registerTill(staffToken, BERLIN);
  token = await tillToken(till, cashier.staffCode, cashier.pin);
  expect(data(await bff('pos', 'OpenTillSession', { openingFloat: 10000 }, { token })).openTillSession.__typename).toBe('TillSession');

  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Group price product' });
  variantId = created.variants[0]!.id as string;
  // 23.80 for everyone; 20.00 in the group's own book (gross, as pos-berlin sells).
  await priceVariant(variantId, { eur: 2380, usd: 2599 });
  const book = `bk_t_till_${tag}`;
  ok(
    await gateway(
      'pos-berlin',
      'mutation($i: PriceBookInput!) { upsertPriceBook(input: $i) { id } }',
      { i: { id: book, name: 'Till gold', level: 'GROUP', currency: 'EUR', customerGroup: group, taxIncluded: true } },
      PRICING_ADMIN,
    ),
  );
  ok(
    await gateway(
      'pos-berlin',
      'mutation($b: ID!, $e: [PriceEntryInput!]!) { importPriceEntries(bookId: $b, entries: $e) { imported } }',
      { b: book, e: [{ variantId, amount: 2000 }] },
      PRICING_ADMIN,
    ),
  );
  await receive(variantId, BERLIN, 10);
});

afterAll(async () => {
  await sql.end();
});

describe('a customer attached at the till', () => {
  it('gets their group prices; without them attached the till charges the channel price', async () => {
    const member = await testCustomer('till-gold', { group });
    // Attached: 2 x 20.00 = 40.00, 10.00 change from 50.00.
    const attached = data(await sale({ 'x-till-customer': member.token }, 4000)).tillSale;
    expect(attached).toMatchObject({ __typename: 'Receipt', subtotal: eur(4000), total: eur(4000), change: eur(1000) });
    expect(attached.lines).toMatchObject([{ quantity: 2, unitPrice: eur(2000), lineTotal: eur(4000) }]);
    // Not attached: 2 x 23.80 = 47.60; the group's total is a PriceChanged to it.
    const anonymous = data(await sale({}, 4760)).tillSale;
    expect(anonymous).toMatchObject({ __typename: 'Receipt', total: eur(4760), change: eur(240) });
    const stale = data(await sale({}, 4000)).tillSale;
    expect(stale).toEqual({ __typename: 'PriceChanged', expected: eur(4000), actual: eur(4760) });
    // The attached sale is the customer's: in their order history on the web shop (same account realm), the
    // anonymous ones are nobody's.
    const history = data(await bff('b2c', 'MyOrders', { first: 10 }, { token: member.token })).myOrders.nodes;
    expect(history.map((o: { id: string; number: string; status: string; total: unknown }) => [o.id, o.number, o.status, o.total])).toEqual([
      [attached.orderId, attached.receiptNumber, 'COMPLETED', eur(4000)],
    ]);
    const owners =
      await sql`select id, customer_id from orders.orders where id in ${sql([attached.orderId, anonymous.orderId])} order by customer_id nulls last`;
    expect(owners.map((o) => [o.id, o.customer_id])).toEqual([
      [attached.orderId, member.sub],
      [anonymous.orderId, null],
    ]);
    // A customer of no group pays the channel price even when attached.
    const plain = await testCustomer('till-plain');
    expect(data(await sale({ 'x-till-customer': plain.token }, 4760)).tillSale).toMatchObject({ __typename: 'Receipt', total: eur(4760) });
    // 10 - 2 - 2 - 2 = 4 left in Berlin.
    const [level] = await sql`select on_hand from stock.levels where variant_id = ${variantId} and location_id = ${BERLIN}`;
    expect(level!.on_hand).toBe(4);
  });

  it('refuses anything but a customer’s valid token, selling nothing', async () => {
    const onHand = async () => (await sql`select on_hand from stock.levels where variant_id = ${variantId} and location_id = ${BERLIN}`)[0]!.on_hand;
    const before = await onHand();
    const guest = await issueGuestToken(system().idpSecret);
    for (const header of ['not-a-token', guest.accessToken]) {
      const res = await sale({ 'x-till-customer': header }, 4000);
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    }
    expect(await onHand()).toBe(before);
  });
});
