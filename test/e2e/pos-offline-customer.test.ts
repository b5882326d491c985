import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTillCustomerTicket } from '@storegraph/schema';
import { bff, direct, sqlClient, system } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { data, key } from './checkout-support.ts';
import { freshEmail, signUp } from './customers-support.ts';
import { POS_WALKS, registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, priceVariant, receive } from './stock-support.ts';

/**
 * A customer on an offline till sale: while online, with the customer's own access token in x-till-customer, the
 * till asks for a customer ticket (TillCustomerTicket), signed for that till and customer for 24 hours; its offline
 * sales carry the ticket. When the batch lands, a ticket signed for this till, valid when the sale was made, naming a
 * customer of pos-berlin's account realm (brand-eu, as web-eu's) records them on the order, in their order history,
 * at their group's prices. Every other case (forged, another till's, expired, erased, another realm) lands the sale
 * without a customer under the same flag CUSTOMER_UNKNOWN, so a till token learns nothing about whose id is whose.
 */

const sql = sqlClient();
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const tag = `${process.pid}${Date.now().toString(36)}`;
const group = `till-off-gold-${tag}`;
// 23.80 EUR gross for everyone; 20.00 in the group's own book.
const UNIT = 2380;
const GROUP_UNIT = 2000;
const DAY = 24 * 3600;
let admin = '';
let token = '';
let tillId = '';
let variantId = '';
const people = { gold: { id: '', token: '' }, plain: { id: '', token: '' }, erased: '', elsewhere: '' };
const tickets = { gold: '', plain: '', erased: '', otherTill: '' };
const ranPos = new Set<string>();

const staff = (query: string, variables: Record<string, unknown>) => bff('admin', query, variables, { token: admin, channel: 'pos-berlin' });
const sale = (customerTicket: string | null, quantity: number, unitPrice: number, soldAt = new Date()) => ({
  clientId: key('offc'),
  soldAt: soldAt.toISOString(),
  lines: [{ variantId, quantity, unitPrice }],
  tenders: [{ method: 'CASH', amount: unitPrice * quantity }],
  ...(customerTicket ? { customerTicket } : {}),
});
const post = (sales: unknown[]) => bff('pos', 'PostOfflineSales', { sales }, { token });
/** The till asks for a ticket with the customer's own access token scanned, as the till app does. */
const ticketFor = (tillToken: string, customerToken: string) => {
  ranPos.add('TillCustomerTicket');
  return bff('pos', 'TillCustomerTicket', {}, { token: tillToken, headers: { 'x-till-customer': customerToken } });
};
/** A ticket's claims signed by hand with the services' secret: the shape customers issues, at a chosen time. */
const handTicket = (till: string, customerId: string, issuedAt: number, expiresAt: number) =>
  new SignJWT({ till })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('storegraph-till-customer')
    .setAudience('storegraph-till-offline-sale')
    .setSubject(customerId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(system().contextSecret));

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
  const other = await registerTill(admin, BERLIN);
  const otherToken = await tillToken(other, cashier.staffCode, cashier.pin);

  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Offline customer product' });
  variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  await receive(variantId, BERLIN, 20);
  const book = `bk_t_offc_${tag}`;
  const input = { id: book, name: 'Till offline gold', level: 'GROUP', currency: 'EUR', customerGroup: group, taxIncluded: true };
  expect(data(await priced('UpsertPriceBook', { input })).upsertPriceBook.id).toBe(book);
  expect(data(await priced('ImportPriceEntries', { bookId: book, entries: [{ variantId, amount: GROUP_UNIT }] })).importPriceEntries.imported).toBe(1);

  // Web shop accounts of brand-eu (pos-berlin's realm), one of web-us's realm, and one erased after its ticket.
  const gold = await signUp(freshEmail('offc-gold'));
  expect(data(await staff('SetCustomerGroup', { id: gold.customerId, group })).setCustomerGroup.group).toBe(group);
  people.gold = { id: gold.customerId, token: gold.token };
  const plain = await signUp(freshEmail('offc-plain'));
  people.plain = { id: plain.customerId, token: plain.token };
  const erased = await signUp(freshEmail('offc-erased'));
  people.erased = erased.customerId;
  people.elsewhere = (await signUp(freshEmail('offc-us'), 'web-us')).customerId;

  tickets.gold = data(await ticketFor(token, gold.token)).tillCustomerTicket.ticket;
  tickets.plain = data(await ticketFor(token, plain.token)).tillCustomerTicket.ticket;
  tickets.erased = data(await ticketFor(token, erased.token)).tillCustomerTicket.ticket;
  tickets.otherTill = data(await ticketFor(otherToken, gold.token)).tillCustomerTicket.ticket;
  expect(data(await staff('EraseCustomer', { id: people.erased })).eraseCustomer).toBe(true);
});

afterAll(async () => {
  await sql.end();
  // This file claims the ticket operation for the allow-list walk (allow-list-walk.test.ts leaves it out).
  expect(POS_WALKS.offlineCustomer.filter((n) => !ranPos.has(n))).toEqual([]);
});

describe('a customer ticket', () => {
  it('is issued to a till for the customer whose own token it presents, for 24 hours, and to nobody else', async () => {
    const before = Math.floor(Date.now() / 1000);
    const issued = data(await ticketFor(token, people.plain.token)).tillCustomerTicket;
    const after = Math.ceil(Date.now() / 1000);
    expect(issued.customerId).toBe(people.plain.id);
    // Issued between before and after, for a day: 24 x 3,600 = 86,400 s later.
    const expires = Date.parse(issued.expiresAt) / 1000;
    expect(expires).toBeGreaterThanOrEqual(before + DAY);
    expect(expires).toBeLessThanOrEqual(after + DAY);
    // No customer's token: no ticket. Another realm's customer: refused already where the POS BFF reads the token.
    expect(codes(await bff('pos', 'TillCustomerTicket', {}, { token }))).toEqual(['UNAUTHENTICATED']);
    const us = await signUp(freshEmail('offc-us-token'), 'web-us');
    const refused = await ticketFor(token, us.token);
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.data ?? null).toBeNull();
  });
});

describe('a customer on an offline sale', () => {
  it("records a ticket's customer of the realm at their group's price, and lands every other sale without one under the same flag", async () => {
    const now = Math.floor(Date.now() / 1000);
    const batch = [
      sale(tickets.gold, 2, GROUP_UNIT), // 2 x 20.00 = 40.00, the group's price: no change
      sale(tickets.erased, 1, GROUP_UNIT), // erased since its ticket: no group now, so 20.00 is a changed price too
      sale(tickets.otherTill, 1, UNIT), // the gold customer's ticket, but another till's
      sale((await signTillCustomerTicket({ tillId, customerId: people.elsewhere }, 'a-forged-secret-of-at-least-32-chars!!')).token, 1, UNIT),
      sale(await handTicket(tillId, people.gold.id, now - 3 * DAY, now - 2 * DAY), 1, UNIT), // expired two days before the sale
      sale(tickets.gold, 1, UNIT, new Date(Date.now() - 3_600_000)), // sold an hour before the ticket was issued
      sale((await signTillCustomerTicket({ tillId, customerId: people.elsewhere }, system().contextSecret)).token, 1, UNIT), // web-us's realm
      sale(tickets.plain, 1, UNIT), // a customer of no group at the channel price
    ];
    const results = data(await post(batch)).postOfflineSales.results;
    // Each answer the same, whatever kept the customer off the order: nothing tells the till why.
    const landed = (flags: string[]) => ({ status: 'APPLIED', flags, shortfalls: [], reason: null });
    const unknown = landed(['CUSTOMER_UNKNOWN']);
    expect(results.map(({ status, flags, shortfalls, reason }: Record<string, unknown>) => ({ status, flags, shortfalls, reason }))).toEqual([
      landed([]),
      landed(['PRICE_CHANGED', 'CUSTOMER_UNKNOWN']),
      unknown,
      unknown,
      unknown,
      unknown,
      unknown,
      landed([]),
    ]);
    const ids = results.map((r: { orderId: string }) => r.orderId);
    const rows = await sql<{ id: string; customer_id: string | null; total: string }[]>`
      select id, customer_id, total from orders.orders where id in ${sql(ids)}`;
    const byId = new Map(rows.map((r) => [r.id, [r.customer_id, Number(r.total)]]));
    // Honoured as sold: 40.00, 20.00, then 23.80 each.
    expect(ids.map((id: string) => byId.get(id))).toEqual([
      [people.gold.id, 4000],
      [null, 2000],
      [null, 2380],
      [null, 2380],
      [null, 2380],
      [null, 2380],
      [null, 2380],
      [people.plain.id, 2380],
    ]);

    // In the customer's order history on the web shop (the same realm): exactly the sale their valid ticket proved.
    const history = data(await bff('b2c', 'MyOrders', { first: 10 }, { token: people.gold.token })).myOrders.nodes;
    expect(history.map((o: { id: string; number: string; status: string; total: unknown }) => [o.id, o.number, o.status, o.total])).toEqual([
      [results[0].orderId, results[0].receiptNumber, 'COMPLETED', eur(4000)],
    ]);

    // For staff only, against the sale's first line: the customer a validly signed ticket named, else none.
    const flagged = await sql<{ order_id: string; kind: string; customer_id: string | null; quantity: number }[]>`
      select s.order_id, d.kind, d.customer_id, d.quantity
      from orders.till_discrepancies d join orders.till_sales s on s.id = d.till_sale_id
      where d.till_id = ${tillId} and d.kind = 'CUSTOMER_UNKNOWN' order by d.id`;
    expect(flagged.map((f) => [f.order_id, f.kind, f.customer_id, f.quantity])).toEqual([
      [ids[1], 'CUSTOMER_UNKNOWN', people.erased, 0],
      [ids[2], 'CUSTOMER_UNKNOWN', null, 0],
      [ids[3], 'CUSTOMER_UNKNOWN', null, 0],
      [ids[4], 'CUSTOMER_UNKNOWN', null, 0],
      [ids[5], 'CUSTOMER_UNKNOWN', null, 0],
      [ids[6], 'CUSTOMER_UNKNOWN', people.elsewhere, 0],
    ]);
    // 2 + 1 x 7 = 9 units left the shop: 20 - 9 = 11.
    const [level] = await sql<{ on_hand: number }[]>`select on_hand from stock.levels where variant_id = ${variantId} and location_id = ${BERLIN}`;
    expect(level!.on_hand).toBe(11);

    // A replay answers the same receipts; the same client id with another ticket is another sale, refused.
    const again = data(await post(batch)).postOfflineSales.results;
    expect(again.map((r: { status: string; receiptNumber: string }) => [r.status, r.receiptNumber])).toEqual(
      results.map((r: { receiptNumber: string }) => ['ALREADY_APPLIED', r.receiptNumber]),
    );
    const swapped = await post([{ ...batch[0], customerTicket: tickets.plain }]);
    expect(codes(swapped)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('takes no bare customer id, and refuses a malformed ticket with the whole batch, applying nothing', async () => {
    const good = sale(tickets.plain, 1, UNIT);
    const bare = await post([{ ...sale(null, 1, UNIT), customerId: people.plain.id }]);
    expect(codes(bare)).toEqual(['BAD_USER_INPUT']);
    expect(bare.data ?? null).toBeNull();
    const res = await post([good, sale('not a ticket!', 1, UNIT)]);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.extensions).toMatchObject({ reason: 'INVALID_CUSTOMER_TICKET', argument: 'sales.1.customerTicket' });
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
