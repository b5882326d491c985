import { beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { postGraphQL, signedContext, system } from '../support/clients.ts';
import { data, key, one, op, readyCart, sellable, stockOf, type TestIdentity, testIdentity } from './checkout-support.ts';

/**
 * A trade buyer checks out on the B2B portal (trade-eu: net prices, VAT added on top) at their company's
 * contract price; the order is the company's, and another company's buyer cannot see it.
 */

// Two companies of this file's own (the demo companies' order lists are other files' expectations), each
// with a buyer; the first gets a contract price book like Acme's.
const COMPANY = `cmp_t_b2b_a_${process.pid}`;
const OTHER = `cmp_t_b2b_b_${process.pid}`;
const CONTRACT = `bk_t_b2b_${process.pid}`;
const acme = testIdentity('b2b-buyer-a', { kind: 'buyer', company: COMPANY });
const globex = testIdentity('b2b-buyer-b', { kind: 'buyer', company: OTHER });

beforeAll(async () => {
  const res = await postGraphQL(
    system().gateway,
    {
      query: `mutation($i: PriceBookInput!) { upsertPriceBook(input: $i) { id } }`,
      variables: {
        i: { id: CONTRACT, name: 'Test company contract', level: 'COMPANY', currency: 'EUR', channel: 'trade-eu', companyId: COMPANY, taxIncluded: false },
      },
    },
    { [CONTEXT_HEADER]: await signedContext('trade-eu', PRICING_ADMIN) },
  );
  expect(res.errors).toBeUndefined();
});

const PRICING_ADMIN = { staff: { id: 'stf_checkout_b2b_tests', roles: ['pricing-admin' as const], channels: ['*'] } };

/** A price entry in a book, as a pricing admin imports it. */
async function importPrice(bookId: string, variantId: string, amount: number) {
  const res = await postGraphQL(
    system().gateway,
    {
      query: `mutation($b: ID!, $e: [PriceEntryInput!]!) { importPriceEntries(bookId: $b, entries: $e, replaceAll: false) { imported } }`,
      variables: { b: bookId, e: [{ variantId, amount }] },
    },
    { [CONTEXT_HEADER]: await signedContext('trade-eu', PRICING_ADMIN) },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data.importPriceEntries.imported).toBe(1);
}

/** Every order on the buyer's CompanyOrders pages, newest first. */
async function companyOrders(auth: TestIdentity) {
  const all: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = data(await op('b2b', 'CompanyOrders', { first: 100, after }, auth)).myOrders;
    all.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return all;
    after = page.pageInfo.endCursor;
  }
}

describe('a trade buyer orders on the B2B portal', () => {
  it("pays Acme's contract net price plus VAT, and the order is Acme's alone", async () => {
    // 119.00 EUR gross in the base book (the consumer price); Acme's contract says 80.00 net.
    const v = await sellable({ eur: 11_900, stock: 10 });
    await importPrice(CONTRACT, v, 8000);
    // trade-eu, Acme: the contract (COMPANY) entry wins over the base book. 3 x 80.00 = 240.00 net,
    // above standard shipping's free-from 50.00; VAT 19% on top: 24000 x 1900 / 10000 = 45.60.
    // Total 240.00 + 45.60 = 285.60.
    const cart = await readyCart('b2b', acme, [{ variantId: v, quantity: 3 }]);
    expect(cart.problems).toEqual([]);
    expect(cart.totals).toMatchObject({
      taxIncluded: false,
      subtotal: { amount: 24_000, currency: 'EUR' },
      shipping: { amount: 0, currency: 'EUR' },
      tax: { amount: 4560, currency: 'EUR' },
      total: { amount: 28_560, currency: 'EUR' },
    });

    const res = data(
      await op(
        'b2b',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('trade'), expectedTotal: { amount: 28_560, currency: 'EUR' }, payment: { provider: 'manual' } } },
        acme,
      ),
    ).placeOrder;

    expect(res.__typename).toBe('OrderPlaced');
    const order = res.order;
    expect(order.number).toMatch(/^TRADE-EU-\d{6}$/);
    expect(order).toMatchObject({
      status: 'PLACED',
      taxIncluded: false,
      subtotal: { amount: 24_000, currency: 'EUR' },
      discountTotal: { amount: 0, currency: 'EUR' },
      shippingTotal: { amount: 0, currency: 'EUR' },
      taxTotal: { amount: 4560, currency: 'EUR' },
      total: { amount: 28_560, currency: 'EUR' },
      payment: { provider: 'manual', status: 'AUTHORIZED' },
    });
    expect(order.lines.map((l: any) => [l.variant.id, l.quantity, l.unitPrice.amount, l.tax.amount, l.lineTotal.amount])).toEqual([[v, 3, 8000, 4560, 24_000]]);
    expect(await stockOf(v)).toEqual({ on_hand: 7, reserved: 0 });
    expect(
      await one(
        (sql) => sql<{ company_id: string; customer_id: string; channel: string }[]>`
        select company_id, customer_id, channel from orders.orders where id = ${order.id}`,
      ),
    ).toEqual({ company_id: COMPANY, customer_id: acme.sub, channel: 'trade-eu' });

    // Acme's buyer finds it by id and in the company's orders.
    expect(data(await op('b2b', 'OrderStatus', { id: order.id }, acme)).order).toMatchObject({ id: order.id, number: order.number, status: 'PLACED' });
    const listed = (await companyOrders(acme)).filter((o) => o.id === order.id);
    expect(listed).toEqual([
      {
        id: order.id,
        number: order.number,
        status: 'PLACED',
        placedAt: order.placedAt,
        total: { amount: 28_560, currency: 'EUR' },
        purchaseOrder: null,
        lines: [{ sku: order.lines[0].sku, quantity: 3, unitPrice: { amount: 8000, currency: 'EUR' }, lineTotal: { amount: 24_000, currency: 'EUR' } }],
      },
    ]);

    // Globex's buyer: no such order, by id or in the list, and no way into Acme's cart.
    const byId = await op('b2b', 'OrderStatus', { id: order.id }, globex);
    expect(byId.errors).toBeUndefined();
    expect(byId.data).toEqual({ order: null });
    const theirs = await companyOrders(globex);
    expect(theirs.map((o) => o.id)).not.toContain(order.id);
    expect(theirs.map((o) => o.number)).not.toContain(order.number);
    expect(data(await op('b2b', 'Cart', { id: cart.id }, globex))).toEqual({ cart: null });
  });

  it("prices a product with no trade or contract entry at the base book's price net of VAT", async () => {
    // Only the base book: 119.00 gross. trade-eu is tax-exclusive, so the unit is the price without
    // German VAT: tax in 119.00 = 11900 x 1900 / 11900 = 19.00, net 100.00. Globex's contract has no
    // entry for it either. 1 x 100.00 net (free shipping from 50.00) + VAT 19.00 = 119.00.
    const v = await sellable({ eur: 11_900, stock: 5 });
    const cart = await readyCart('b2b', globex, [{ variantId: v, quantity: 1 }]);
    expect(cart.totals).toMatchObject({
      taxIncluded: false,
      subtotal: { amount: 10_000, currency: 'EUR' },
      shipping: { amount: 0, currency: 'EUR' },
      tax: { amount: 1900, currency: 'EUR' },
      total: { amount: 11_900, currency: 'EUR' },
    });
    const shown = data(await op('b2b', 'Cart', { id: cart.id }, globex)).cart;
    expect(shown.lines.map((l: any) => [l.variant.id, l.unitPrice])).toEqual([[v, { amount: 10_000, currency: 'EUR' }]]);
  });
});
