import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, direct, sqlClient, system } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { data, key } from './checkout-support.ts';
import { freshEmail, signUp } from './customers-support.ts';
import { registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, priceVariant, receive } from './stock-support.ts';

/**
 * A customer on an offline till sale: the till names the customer it attached by the id it had from its last online
 * lookup. When the batch lands, a customer of pos-berlin's account realm (brand-eu, as web-eu's) is recorded on the
 * order, in their order history, and compared at their group's prices; an unknown, erased or other realm's id lands
 * the sale without a customer, flagged CUSTOMER_UNKNOWN for staff. Prices are honoured as sold either way.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const tag = `${process.pid}${Date.now().toString(36)}`;
const group = `till-off-gold-${tag}`;
// 23.80 EUR gross for everyone; 20.00 in the group's own book.
const UNIT = 2380;
const GROUP_UNIT = 2000;
let admin = '';
let token = '';
let tillId = '';
let variantId = '';
const people = { gold: { id: '', token: '' }, plain: { id: '', token: '' }, erased: '', elsewhere: '' };

const staff = (query: string, variables: Record<string, unknown>) => bff('admin', query, variables, { token: admin, channel: 'pos-berlin' });
const sale = (customerId: string | null, quantity: number, unitPrice: number) => ({
  clientId: key('offc'),
  soldAt: new Date(Date.now() - 3_600_000).toISOString(),
  lines: [{ variantId, quantity, unitPrice }],
  tenders: [{ method: 'CASH', amount: unitPrice * quantity }],
  ...(customerId ? { customerId } : {}),
});
const post = (sales: unknown[]) => bff('pos', 'PostOfflineSales', { sales }, { token });

beforeAll(async () => {
  const member = await createStaff('pos-offc-admin', ['staff-admin', 'customer-admin'], ['pos-berlin']);
  admin = (await staffSession(member.email)).token;
  // A group's price book is brand-wide: pricing-admin on every channel.
  const pricer = (await staffSession((await createStaff('pos-offc-pricer', ['pricing-admin'], ['*'])).email)).token;
  const priced = (query: string, variables: Record<string, unknown>) => bff('admin', query, variables, { token: pricer, channel: 'pos-berlin' });
  const cashier = await registerTillStaff(admin, 'CASHIER', '3579');
  const till = await registerTill(admin, BERLIN);
  tillId = till.id;
  token = await tillToken(till, cashier.staffCode, cashier.pin);
  data(await bff('pos', 'OpenTillSession', { openingFloat: 0 }, { token }));

  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Offline customer product' });
  variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  await receive(variantId, BERLIN, 10);
  const book = `bk_t_offc_${tag}`;
  const input = { id: book, name: 'Till offline gold', level: 'GROUP', currency: 'EUR', customerGroup: group, taxIncluded: true };
  expect(data(await priced('UpsertPriceBook', { input })).upsertPriceBook.id).toBe(book);
  expect(data(await priced('ImportPriceEntries', { bookId: book, entries: [{ variantId, amount: GROUP_UNIT }] })).importPriceEntries.imported).toBe(1);

  // Web shop accounts of brand-eu (pos-berlin's realm), one of web-us's realm, and one erased.
  const gold = await signUp(freshEmail('offc-gold'));
  expect(data(await staff('SetCustomerGroup', { id: gold.customerId, group })).setCustomerGroup.group).toBe(group);
  people.gold = { id: gold.customerId, token: gold.token };
  const plain = await signUp(freshEmail('offc-plain'));
  people.plain = { id: plain.customerId, token: plain.token };
  people.erased = (await signUp(freshEmail('offc-erased'))).customerId;
  expect(data(await staff('EraseCustomer', { id: people.erased })).eraseCustomer).toBe(true);
  people.elsewhere = (await signUp(freshEmail('offc-us'), 'web-us')).customerId;
});

afterAll(() => sql.end());

describe('a customer on an offline sale', () => {
  it("records a customer of the realm on the order at their group's price, and lands every other id without one, flagged", async () => {
    const batch = [
      sale(people.gold.id, 2, GROUP_UNIT), // 2 x 20.00 = 40.00, the group's price: no change
      sale(people.erased, 1, GROUP_UNIT), // an erased account: no group now, so 20.00 is a changed price too
      sale(`cus_nobody_${tag}`, 1, UNIT),
      sale(people.elsewhere, 1, UNIT), // web-us's realm, not pos-berlin's
      sale(people.plain.id, 1, UNIT), // a customer of no group at the channel price
    ];
    const results = data(await post(batch)).postOfflineSales.results;
    expect(results.map((r: { status: string; flags: string[] }) => [r.status, r.flags])).toEqual([
      ['APPLIED', []],
      ['APPLIED', ['PRICE_CHANGED', 'CUSTOMER_UNKNOWN']],
      ['APPLIED', ['CUSTOMER_UNKNOWN']],
      ['APPLIED', ['CUSTOMER_UNKNOWN']],
      ['APPLIED', []],
    ]);
    const ids = results.map((r: { orderId: string }) => r.orderId);
    const rows = await sql<{ id: string; customer_id: string | null; total: string }[]>`
      select id, customer_id, total from orders.orders where id in ${sql(ids)}`;
    const byId = new Map(rows.map((r) => [r.id, [r.customer_id, Number(r.total)]]));
    // Honoured as sold: 40.00, 20.00, 23.80, 23.80, 23.80.
    expect(ids.map((id: string) => byId.get(id))).toEqual([
      [people.gold.id, 4000],
      [null, 2000],
      [null, 2380],
      [null, 2380],
      [people.plain.id, 2380],
    ]);

    // In the customer's order history on the web shop (the same realm): exactly the sale attached to them.
    const history = data(await bff('b2c', 'MyOrders', { first: 10 }, { token: people.gold.token })).myOrders.nodes;
    expect(history.map((o: { id: string; number: string; status: string; total: unknown }) => [o.id, o.number, o.status, o.total])).toEqual([
      [results[0].orderId, results[0].receiptNumber, 'COMPLETED', eur(4000)],
    ]);

    // For staff, beside the stock and price discrepancies: the id the till sent, against the sale's first line.
    const flagged = await sql<
      { order_id: string; kind: string; customer_id: string | null; quantity: number; sold_unit: string | null; current_unit: string | null }[]
    >`
      select s.order_id, d.kind, d.customer_id, d.quantity, d.sold_unit, d.current_unit
      from orders.till_discrepancies d join orders.till_sales s on s.id = d.till_sale_id
      where d.till_id = ${tillId} order by d.id`;
    expect(
      flagged.map((f) => [
        f.order_id,
        f.kind,
        f.customer_id,
        f.quantity,
        f.sold_unit === null ? null : Number(f.sold_unit),
        f.current_unit === null ? null : Number(f.current_unit),
      ]),
    ).toEqual([
      [ids[1], 'PRICE_CHANGED', null, 1, GROUP_UNIT, UNIT],
      [ids[1], 'CUSTOMER_UNKNOWN', people.erased, 0, null, null],
      [ids[2], 'CUSTOMER_UNKNOWN', `cus_nobody_${tag}`, 0, null, null],
      [ids[3], 'CUSTOMER_UNKNOWN', people.elsewhere, 0, null, null],
    ]);
    // 2 + 1 + 1 + 1 + 1 = 6 units left the shop: 10 - 6 = 4.
    const [level] = await sql<{ on_hand: number }[]>`select on_hand from stock.levels where variant_id = ${variantId} and location_id = ${BERLIN}`;
    expect(level!.on_hand).toBe(4);

    // A replay answers the same receipts; the same client id naming another customer is another sale, refused.
    const again = data(await post(batch)).postOfflineSales.results;
    expect(again.map((r: { status: string; receiptNumber: string }) => [r.status, r.receiptNumber])).toEqual(
      results.map((r: { receiptNumber: string }) => ['ALREADY_APPLIED', r.receiptNumber]),
    );
    const swapped = await post([{ ...batch[0], customerId: people.plain.id }]);
    expect(codes(swapped)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('refuses a malformed customer id with the whole batch, applying nothing', async () => {
    const good = sale(people.plain.id, 1, UNIT);
    const res = await post([good, sale('not an id!', 1, UNIT)]);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.extensions).toMatchObject({ reason: 'INVALID_CUSTOMER_ID', argument: 'sales.1.customerId' });
    const applied = await sql`select id from orders.till_sales where till_id = ${tillId} and client_id = ${good.clientId}`;
    expect(applied).toHaveLength(0);
  });

  it("tells only orders whether an id is someone's account: a staff caller on the customers subgraph is refused", async () => {
    const query = 'query($ids: [ID!]!) { tillSaleCustomers(ids: $ids) { id group } }';
    const staffCtx = { staff: { id: 'stf_offc_probe', roles: ['customer-admin' as const], channels: ['*'] } };
    const res = await direct(system().customers, query, { ids: [people.gold.id] }, 'pos-berlin', staffCtx);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.data).toBeNull();
  });
});
