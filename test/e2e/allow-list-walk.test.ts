import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, loadAllowList } from '@storegraph/bff-kit';
import { bff, system, type GraphQLResponse } from '../support/clients.ts';
import { BERLIN } from './stock-support.ts';
import { BERLIN_ADDRESS, data, key, stockOf } from './checkout-support.ts';
import { COMPANY_OPS } from './customers-support.ts';
import { RETURN_OPS } from './returns-support.ts';
import { BULK_ORDER_OPS } from './bulk-order-support.ts';
import { ADMIN_WALKS, adminAllowListed } from './admin-walk-support.ts';
import { POS_WALKED_OPS } from './pos-support.ts';
import { GROSS, NET, STOREFRONT_WALKED, type Which, walkProduct, walkRun } from './allow-list-walk-support.ts';

/**
 * Every operation on every BFF's allow-list, run by name as that channel's client runs it (a customer on the
 * web shop, a company buyer on the portal, a till in the Berlin shop), each answer checked against figures
 * worked out by hand. The file's last check is that nothing on an allow-list went unrun: an operation added
 * to a BFF without a client test here (or in the subject file that claims it: the till's cash sessions in
 * allow-list-walk-till.test.ts, the trade portal's approvals, terms, lists, quotes, recurring orders, order
 * policy and quick order in allow-list-walk-trade.test.ts) fails the suite. The admin BFF is walked by subject
 * in allow-list-walk-admin-*.test.ts; the check at the end of this file is that their claims cover its list.
 */

const BFFS: Which[] = ['b2c', 'b2b', 'pos'];

function allowListed(which: Which): string[] {
  const own = readFileSync(new URL(`../../bffs/${which}/src/operations.graphql`, import.meta.url), 'utf8');
  const shared = readFileSync(new URL('../../bffs/kit/src/shared-operations.graphql', import.meta.url), 'utf8');
  // The company operations are walked with real accounts in allow-list-walk-accounts.test.ts, the return
  // operations with an order of its own in allow-list-walk-admin-returns.test.ts, the subjects' claims in theirs.
  return [...loadAllowList(`${own}\n${shared}`).values()]
    .map((op) => op.name)
    .filter((name) => !COMPANY_OPS.includes(name) && !RETURN_OPS.includes(name) && !BULK_ORDER_OPS.includes(name) && !POS_WALKED_OPS.includes(name))
    .filter((name) => !STOREFRONT_WALKED.includes(`${which}:${name}`))
    .sort();
}

const ran = new Set<string>();
/** One allow-listed operation by name; remembered for the coverage check in afterAll. */
async function run<T = any>(which: Which, name: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> {
  ran.add(`${which}:${name}`);
  return bff<T>(which, name, variables, { token });
}

afterAll(() => {
  const missing = BFFS.flatMap((which) => allowListed(which).map((name) => `${which}:${name}`)).filter((k) => !ran.has(k));
  expect(missing, 'allow-listed operations no test runs by name').toEqual([]);
});

// A word no demo product or other test uses, for the storefront search.
const WORD = 'Quokkafern';
const RUN = walkRun();

const product = { id: '', variantId: '', slug: '', sku: '', gtin: '' };
const callers: Record<Which, string> = { b2c: '', b2b: '', pos: '' };

beforeAll(async () => {
  Object.assign(product, await walkProduct(`Walk ${WORD}`));
  const secret = system().idpSecret;
  callers.b2c = await issueToken({ sub: `cus_t_walk_${RUN}`, kind: 'customer' }, secret);
  callers.b2b = await issueToken({ sub: `cus_t_walk_buyer_${RUN}`, kind: 'buyer', company: `cmp_t_walk_${RUN}` }, secret);
  callers.pos = await issueToken({ sub: `dev_t_walk_till_${RUN}`, kind: 'device', channel: 'pos-berlin', location: BERLIN }, secret);
});

const CHANNEL: Record<Which, { code: string; taxMode: string }> = {
  b2c: { code: 'web-eu', taxMode: 'INCLUSIVE' },
  b2b: { code: 'trade-eu', taxMode: 'EXCLUSIVE' },
  pos: { code: 'pos-berlin', taxMode: 'INCLUSIVE' },
};
/** What one unit costs in the channel's tax basis: gross on the web shop and the till, net on the portal. */
const UNIT: Record<Which, number> = { b2c: GROSS, b2b: NET, pos: GROSS };
const SHIPPING_CODES: Record<Which, string[]> = {
  b2c: ['standard', 'express', 'pickup'],
  b2b: ['standard', 'express', 'freight'],
  pos: ['standard', 'express', 'pickup'],
};
/**
 * Two units and standard shipping (4.90, free from 50.00) to Berlin. Web shop and till: 47.60 + 4.90 = 52.50
 * gross. Portal: 40.00 + 4.90 = 44.90 net, VAT 19 % = 8.531 → 8.53, total 53.43.
 */
const TOTAL: Record<Which, number> = { b2c: 5250, b2b: 5343, pos: 5250 };

describe.each(BFFS)('the %s allow-list, operation by operation', (which) => {
  it('answers CurrentChannel with the caller’s channel', async () => {
    const res = data(await run(which, 'CurrentChannel', {}, callers[which]));
    expect(res.currentChannel).toMatchObject({ code: CHANNEL[which].code, currency: 'EUR', taxMode: CHANNEL[which].taxMode });
  });

  it('prices two units with PriceQuote and lists the channel’s ShippingMethods', async () => {
    const lines = [{ variantId: product.variantId, quantity: 2 }];
    const quote = data(await run(which, 'PriceQuote', { input: { lines } }, callers[which])).quote;
    expect(quote.__typename).toBe('Quote');
    expect(quote.lines[0].unit).toEqual({ amount: UNIT[which], currency: 'EUR' });
    expect(quote.subtotal).toEqual({ amount: 2 * UNIT[which], currency: 'EUR' });
    const methods = data(await run(which, 'ShippingMethods', { shipTo: { country: 'DE' }, lines }, callers[which])).shippingMethods;
    expect(methods.map((m: { code: string }) => m.code)).toEqual(SHIPPING_CODES[which]);
    const standard = methods.find((m: { code: string }) => m.code === 'standard');
    expect(standard.price.amount).toEqual({ amount: 490, currency: 'EUR' });
    expect(standard.freeFrom).toEqual({ amount: 5000, currency: 'EUR' });
  });

  it('holds a unit with ReserveStock and gives it back with ReleaseReservation', async () => {
    const before = await stockOf(product.variantId);
    const held = data(
      await run(
        which,
        'ReserveStock',
        { input: { idempotencyKey: key(`walk-${which}`), lines: [{ variantId: product.variantId, quantity: 1 }] } },
        callers[which],
      ),
    ).reserveStock;
    expect(held).toMatchObject({ __typename: 'Reservation', status: 'ACTIVE', lines: [{ variant: { id: product.variantId }, quantity: 1, backordered: 0 }] });
    expect(await stockOf(product.variantId)).toEqual({ on_hand: before.on_hand, reserved: before.reserved + 1 });
    const released = data(await run(which, 'ReleaseReservation', { id: held.id }, callers[which])).releaseReservation;
    expect(released).toEqual({ __typename: 'Reservation', id: held.id, status: 'RELEASED' });
    expect(await stockOf(product.variantId)).toEqual(before);
  });

  it('builds a cart, orders it, reads the order and cancels it', async () => {
    const token = callers[which];
    const cart = data(await run(which, 'CreateCart', { email: 'walk@example.com' }, token)).createCart;
    expect(cart).toMatchObject({ status: 'ACTIVE', currency: 'EUR', lines: [] });
    const added = data(await run(which, 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 3 }] }, token)).addCartLines;
    expect(added.lines.map((l: any) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 3]]);
    const updated = data(
      await run(which, 'UpdateCartLine', { cartId: cart.id, variantId: product.variantId, quantity: 2, expectedVersion: added.version }, token),
    ).updateCartLine;
    expect(updated.lines.map((l: any) => [l.variant.id, l.quantity, l.unitPrice.amount])).toEqual([[product.variantId, 2, UNIT[which]]]);
    const ready = data(
      await run(which, 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, token),
    ).setCartDetails;
    expect(ready.problems).toEqual([]);
    expect(ready.totals.total).toEqual({ amount: TOTAL[which], currency: 'EUR' });
    expect(data(await run(which, 'Cart', { id: cart.id }, token)).cart).toMatchObject({ id: cart.id, version: ready.version, order: null });
    expect(data(await run(which, 'MyCart', {}, token)).myCart.id).toBe(cart.id);

    const before = await stockOf(product.variantId);
    const placed = data(
      await run(
        which,
        'PlaceOrder',
        {
          input: {
            cartId: cart.id,
            idempotencyKey: key(`walk-${which}`),
            expectedTotal: { amount: TOTAL[which], currency: 'EUR' },
            payment: { provider: 'manual' },
          },
        },
        token,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const order = placed.order;
    expect(order.total).toEqual({ amount: TOTAL[which], currency: 'EUR' });
    expect(order.lines.map((l: any) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 2]]);
    expect(await stockOf(product.variantId)).toEqual({ on_hand: before.on_hand - 2, reserved: before.reserved });

    const status = data(await run(which, 'OrderStatus', { id: order.id }, token)).order;
    expect(status).toMatchObject({ id: order.id, number: order.number, status: 'PLACED' });
    if (which === 'b2c') {
      const mine = data(await run(which, 'MyOrders', { first: 10 }, token)).myOrders.nodes;
      expect(mine.map((o: { id: string }) => o.id)).toEqual([order.id]);
    }
    if (which === 'b2b') {
      const company = data(await run(which, 'CompanyOrders', { first: 10 }, token)).myOrders.nodes;
      expect(company.map((o: { id: string }) => o.id)).toEqual([order.id]);
    }
    const cancelled = data(await run(which, 'CancelOrder', { id: order.id, reason: 'allow-list walk' }, token)).cancelOrder;
    expect(cancelled).toMatchObject({ __typename: 'OrderStatusChanged', order: { id: order.id, status: 'CANCELLED', cancelReason: 'allow-list walk' } });
  });
});

describe('the catalogue operations of each BFF', () => {
  it('b2c: ProductListing, ProductPage and ProductSearch show the product at its gross price', async () => {
    const listing = data(await run('b2c', 'ProductListing', { first: 3 })).products;
    expect(listing.nodes).toHaveLength(3);
    expect(listing.pageInfo.hasNextPage).toBe(true);
    const page = data(await run('b2c', 'ProductPage', { slug: product.slug })).product;
    expect(page.id).toBe(product.id);
    expect(page.variants.map((v: any) => [v.id, v.gtin, v.price.unit.amount])).toEqual([[product.variantId, product.gtin, GROSS]]);
    const found = data(await run('b2c', 'ProductSearch', { first: 5, search: WORD })).products;
    expect(found.nodes.map((n: { id: string }) => n.id)).toEqual([product.id]);
  });

  it('b2b: TradeListing and TradeVariantBySku show the net price for the quantity asked', async () => {
    const listing = data(await run('b2b', 'TradeListing', { first: 3, quantity: 1 }, callers.b2b)).products;
    expect(listing.nodes).toHaveLength(3);
    const variant = data(await run('b2b', 'TradeVariantBySku', { sku: product.sku, quantity: 4 }, callers.b2b)).variantBySku;
    expect(variant).toMatchObject({ id: product.variantId, product: { id: product.id } });
    expect(variant.price.unit).toEqual({ amount: NET, currency: 'EUR' });
    expect(variant.price.total).toEqual({ amount: 4 * NET, currency: 'EUR' });
  });

  it('pos: ScanBarcode, LookupSku and TillListing find the product at its gross price', async () => {
    const scanned = data(await run('pos', 'ScanBarcode', { gtin: product.gtin }, callers.pos)).variantByBarcode;
    expect(scanned).toMatchObject({ id: product.variantId, sku: product.sku, price: { unit: { amount: GROSS, currency: 'EUR' } } });
    const looked = data(await run('pos', 'LookupSku', { sku: product.sku }, callers.pos)).variantBySku;
    expect(looked.id).toBe(product.variantId);
    const listing = data(await run('pos', 'TillListing', { first: 3 }, callers.pos)).products;
    expect(listing.nodes).toHaveLength(3);
  });
});
describe('MergeGuestCart', () => {
  it('b2c: adopts the guest session’s cart when its shopper signs in', async () => {
    const res = await fetch(system().b2c.replace(/\/graphql$/, '/auth/guest'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const guest = (await res.json()) as { accessToken: string };
    const cart = data(await run('b2c', 'CreateCart', {}, guest.accessToken)).createCart;
    data(await run('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 1 }] }, guest.accessToken));
    const shopper = await issueToken({ sub: `cus_t_walk_merge_${RUN}`, kind: 'customer' }, system().idpSecret);
    ran.add('b2c:MergeGuestCart');
    const merged = data(await bff('b2c', 'MergeGuestCart', {}, { token: shopper, headers: { 'x-guest-token': guest.accessToken } })).mergeGuestCart;
    expect(merged.id).toBe(cart.id);
    expect(merged.lines.map((l: any) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 1]]);
  });

  it('b2b: a buyer has no guest session, so it answers their own active cart (none)', async () => {
    const res = await run('b2b', 'MergeGuestCart', {}, callers.b2b);
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ mergeGuestCart: null });
  });

  it('pos: a till is no signed-in customer and is refused', async () => {
    const res = await run('pos', 'MergeGuestCart', {}, callers.pos);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(res.data?.mergeGuestCart ?? null).toBeNull();
  });
});

describe('the admin allow-list', () => {
  // Each allow-list-walk-admin-<subject>.test.ts fails when it does not run an operation it claims; this
  // check is the other half: every admin operation is claimed by exactly one walk, and nothing else is.
  it('is claimed, operation by operation, by exactly one admin walk file', () => {
    const claims = Object.values(ADMIN_WALKS).flat();
    expect(
      claims.filter((name, i) => claims.indexOf(name) !== i),
      'claimed twice',
    ).toEqual([]);
    expect([...claims].sort()).toEqual(adminAllowListed());
  });
});
