import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, loadAllowList } from '@storegraph/bff-kit';
import { bff, system, type GraphQLResponse } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { BERLIN, HAMBURG, priceVariant, receive } from './stock-support.ts';
import { BERLIN_ADDRESS, data, key, stockOf } from './checkout-support.ts';
import { COMPANY_OPS } from './customers-support.ts';
import { RETURN_OPS } from './returns-support.ts';
import { BULK_ORDER_OPS } from './bulk-order-support.ts';
import { ADMIN_WALKS, adminAllowListed } from './admin-walk-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { POS_WALKED_OPS, registerTill, registerTillStaff } from './pos-support.ts';

/**
 * Every operation on every BFF's allow-list, run by name as that channel's client runs it (a customer on the
 * web shop, a company buyer on the portal, a till in the Berlin shop), each answer checked against figures
 * worked out by hand. The file's last check is that nothing on an allow-list went unrun: an operation added
 * to a BFF without a client test here fails the suite. The admin BFF is walked by subject in
 * allow-list-walk-admin-*.test.ts; the check at the end of this file is that their claims cover its list.
 */

type Which = 'b2c' | 'b2b' | 'pos';
const BFFS: Which[] = ['b2c', 'b2b', 'pos'];

function allowListed(which: Which): string[] {
  const own = readFileSync(new URL(`../../bffs/${which}/src/operations.graphql`, import.meta.url), 'utf8');
  const shared = readFileSync(new URL('../../bffs/kit/src/shared-operations.graphql', import.meta.url), 'utf8');
  // The company operations are walked with real accounts in allow-list-walk-accounts.test.ts, the return
  // operations with an order of its own in allow-list-walk-admin-returns.test.ts.
  return [...loadAllowList(`${own}\n${shared}`).values()]
    .map((op) => op.name)
    .filter((name) => !COMPANY_OPS.includes(name) && !RETURN_OPS.includes(name) && !BULK_ORDER_OPS.includes(name) && !POS_WALKED_OPS.includes(name))
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

// 23.80 EUR gross in the base book: 20.00 net at 19 % German VAT, so the trade portal's net price is whole too.
const GROSS = 2380;
const NET = 2000;
// A word no demo product or other test uses, for the storefront search.
const WORD = 'Quokkafern';
const RUN = `${process.pid}-${Date.now().toString(36)}`;

const product = { id: '', variantId: '', slug: '', sku: '', gtin: '' };
const callers: Record<Which, string> = { b2c: '', b2b: '', pos: '' };

beforeAll(async () => {
  const created = await createTestProduct({ channels: ['web-eu', 'trade-eu', 'pos-berlin'], name: `Walk ${WORD}` });
  const variant = created.variants[0]!;
  Object.assign(product, {
    id: created.id,
    variantId: variant.id,
    slug: created.input.slug,
    sku: created.input.variants[0]!.sku,
    gtin: created.input.variants[0]!.gtin,
  });
  await priceVariant(product.variantId, { eur: GROSS, usd: 2199 });
  await receive(product.variantId, HAMBURG, 10);
  await receive(product.variantId, BERLIN, 10);
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

describe('the till: PIN sign-in and cash sessions', () => {
  it('pos: TillSignIn, CurrentTillSession, OpenTillSession, TillSale, PostOfflineSales, TillPickups, TillHandOver, CloseTillSession and TillSignOut on a till of its own', async () => {
    const admin = await createStaff('walk-pos', ['staff-admin'], ['pos-berlin']);
    const staffToken = (await staffSession(admin.email)).token;
    const till = await registerTill(staffToken, BERLIN);
    const cashier = await registerTillStaff(staffToken, 'CASHIER', '8080');
    const signedIn = data(
      await run('pos', 'TillSignIn', { input: { tillId: till.id, tillSecret: till.secret, staffCode: cashier.staffCode, pin: '8080' } }),
    ).tillSignIn;
    expect(signedIn.__typename).toBe('TillSignedIn');
    expect(signedIn.till.locationId).toBe(BERLIN);
    const token = signedIn.accessToken;
    expect(data(await run('pos', 'CurrentTillSession', {}, token)).currentTillSession).toBeNull();
    const opened = data(await run('pos', 'OpenTillSession', { openingFloat: 10000 }, token)).openTillSession;
    expect(opened).toMatchObject({ __typename: 'TillSession', tillId: till.id, status: 'OPEN', openingFloat: { amount: 10000, currency: 'EUR' } });
    // One walk product at 23.80 for 25.00 cash: 1.20 change, 23.80 kept.
    const receipt = data(
      await run(
        'pos',
        'TillSale',
        {
          input: {
            idempotencyKey: key('walk-till'),
            lines: [{ variantId: product.variantId, quantity: 1 }],
            expectedTotal: { amount: GROSS, currency: 'EUR' },
            tenders: [{ method: 'CASH', amount: 2500 }],
          },
        },
        token,
      ),
    ).tillSale;
    expect(receipt).toMatchObject({
      __typename: 'Receipt',
      locationId: BERLIN,
      total: { amount: GROSS, currency: 'EUR' },
      change: { amount: 120, currency: 'EUR' },
    });
    // An offline sale of one more at 23.80, posted later: applied, cash kept 23.80.
    const clientId = key('walk-offline');
    const offline = data(
      await run(
        'pos',
        'PostOfflineSales',
        {
          sales: [
            {
              clientId,
              soldAt: new Date(Date.now() - 60_000).toISOString(),
              lines: [{ variantId: product.variantId, quantity: 1, unitPrice: GROSS }],
              tenders: [{ method: 'CASH', amount: GROSS }],
            },
          ],
        },
        token,
      ),
    ).postOfflineSales.results;
    expect(offline).toMatchObject([{ clientId, status: 'APPLIED', flags: [], shortfalls: [] }]);
    const pickups = data(await run('pos', 'TillPickups', { first: 200 }, token)).tillPickups;
    for (const p of pickups) expect(p.shipment.location.id).toBe(BERLIN);
    const unknown = await run('pos', 'TillHandOver', { shipmentId: 'shp_none', collectionCode: '123456' }, token);
    expect(unknown.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    // 100.00 float + 23.80 + 23.80 kept = 147.60 expected; 147.60 counted: even.
    const closed = data(await run('pos', 'CloseTillSession', { countedCash: 14760 }, token)).closeTillSession;
    expect(closed).toMatchObject({
      id: opened.id,
      status: 'CLOSED',
      expectedCash: { amount: 14760, currency: 'EUR' },
      cashDifference: { amount: 0, currency: 'EUR' },
    });
    expect(data(await run('pos', 'TillSignOut', {}, token)).tillSignOut).toBe(true);
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

describe('the trade portal order policy', () => {
  it('b2b: SetCompanyOrderPolicy by the company admin, CompanyOrderPolicy read back', async () => {
    const company = `cmp_t_walk_policy_${RUN}`;
    const admin = await issueToken({ sub: `cus_t_walk_admin_${RUN}`, kind: 'buyer', company, companyRole: 'ADMIN' }, system().idpSecret);
    const set = data(await run('b2b', 'SetCompanyOrderPolicy', { input: { purchaseOrderRequired: true } }, admin)).setCompanyOrderPolicy;
    expect(set).toEqual({ company: { id: company }, purchaseOrderRequired: true, approverLimit: null, approvalSeconds: 86_400, backorders: true });
    expect(data(await run('b2b', 'CompanyOrderPolicy', {}, admin)).companyOrderPolicy).toEqual({
      company: { id: company },
      purchaseOrderRequired: true,
      approverLimit: null,
      approvalSeconds: 86_400,
      backorders: true,
    });
  });
});

describe('quick order on the trade portal', () => {
  it('b2b: AddCartLinesBySku adds the walk product by its SKU and reports an unknown one by its row', async () => {
    // A buyer of its own: the walk's buyer must keep no active cart (MergeGuestCart answers it).
    const quick = await issueToken({ sub: `cus_t_walk_quick_${RUN}`, kind: 'buyer', company: `cmp_t_walk_${RUN}` }, system().idpSecret);
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: quick })).createCart;
    const lines = [
      { sku: 'WALK-NO-SUCH-SKU', quantity: 1 },
      { sku: product.sku, quantity: 2 },
    ];
    const result = data(await run('b2b', 'AddCartLinesBySku', { cartId: cart.id, lines }, quick)).addCartLinesBySku;
    expect(result.added).toBe(1);
    expect(result.problems).toEqual([{ row: 1, sku: 'WALK-NO-SUCH-SKU', code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' }]);
    expect(result.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 2]]);
  });
});

describe('approvals on the trade portal', () => {
  it('b2b: an order over the buyer’s limit waits; CompanyApprovals, Approval, RejectOrder and ApproveOrder decide it', async () => {
    // The buyer may order nothing alone (a 0.00 per-order limit), so any order of theirs waits for the approver.
    const company = `cmp_t_walk_appr_${RUN}`;
    const secret = system().idpSecret;
    const buyer = await issueToken(
      { sub: `cus_t_walk_appr_b_${RUN}`, kind: 'buyer', company, companyRole: 'BUYER', buyerLimits: { currency: 'EUR', perOrder: 0, monthly: null } },
      secret,
    );
    const approver = await issueToken({ sub: `cus_t_walk_appr_a_${RUN}`, kind: 'buyer', company, companyRole: 'APPROVER' }, secret);
    const waiting = async () => {
      const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
      data(await bff('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 1 }] }, { token: buyer }));
      const ready = data(
        await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: buyer }),
      ).setCartDetails;
      const input = { cartId: cart.id, idempotencyKey: key('walk-appr'), expectedTotal: ready.totals.total, payment: { provider: 'manual' } };
      const placed = data(await run('b2b', 'PlaceOrder', { input }, buyer)).placeOrder;
      expect(placed).toMatchObject({ __typename: 'ApprovalRequired', approval: { status: 'PENDING', level: 'APPROVER', reasons: ['ORDER_LIMIT'] } });
      return placed.approval.id as string;
    };
    const first = await waiting();
    const listed = data(await run('b2b', 'CompanyApprovals', { status: 'PENDING' }, approver)).companyApprovals;
    expect(listed.map((a: { id: string }) => a.id)).toEqual([first]);
    expect(data(await run('b2b', 'Approval', { id: first }, approver)).approval).toMatchObject({ id: first, status: 'PENDING', order: null });
    const rejected = data(await run('b2b', 'RejectOrder', { id: first, idempotencyKey: key('walk-reject'), reason: 'walk' }, approver)).rejectOrder;
    expect(rejected).toMatchObject({ __typename: 'ApprovalDecided', approval: { id: first, status: 'REJECTED', decisionReason: 'walk' } });
    const second = await waiting();
    const approved = data(await run('b2b', 'ApproveOrder', { id: second, idempotencyKey: key('walk-approve') }, approver)).approveOrder;
    expect(approved).toMatchObject({ __typename: 'ApprovalDecided', approval: { id: second, status: 'APPROVED', order: { status: 'PLACED' } } });
  });
});

describe('net terms on the trade portal', () => {
  it('b2b: an order on terms is invoiced; CompanyCredit and CompanyInvoices show it', async () => {
    // 300.00 of credit on 30 days; the invoice bills exactly the total the cart showed.
    const buyer = await issueToken(
      {
        sub: `cus_t_walk_terms_${RUN}`,
        kind: 'buyer',
        company: `cmp_t_walk_terms_${RUN}`,
        companyRole: 'ADMIN',
        companyCredit: { currency: 'EUR', termsDays: 30, creditLimit: 30_000 },
      },
      system().idpSecret,
    );
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
    data(await bff('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 1 }] }, { token: buyer }));
    const ready = data(
      await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: buyer }),
    ).setCartDetails;
    const total = ready.totals.total.amount as number;
    const input = { cartId: cart.id, idempotencyKey: key('walk-terms'), expectedTotal: ready.totals.total, payment: { provider: 'terms' } };
    const placed = data(await run('b2b', 'PlaceOrder', { input }, buyer)).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const credit = data(await run('b2b', 'CompanyCredit', {}, buyer)).companyCredit;
    expect(credit).toMatchObject({ termsDays: 30, limit: { amount: 30_000, currency: 'EUR' }, owed: { amount: total, currency: 'EUR' } });
    expect(credit.available.amount).toBe(30_000 - total);
    const invoices = data(await run('b2b', 'CompanyInvoices', { filter: 'OPEN' }, buyer)).companyInvoices;
    expect(invoices.map((i: { order: { id: string }; balance: { amount: number } }) => [i.order.id, i.balance.amount])).toEqual([[placed.order.id, total]]);
  });
});

describe('saved lists and reorder on the trade portal', () => {
  it('b2b: SaveList, SavedLists, AddSavedListToCart, Reorder and DeleteSavedList', async () => {
    const buyer = await issueToken(
      { sub: `cus_t_walk_lists_${RUN}`, kind: 'buyer', company: `cmp_t_walk_lists_${RUN}`, companyRole: 'BUYER' },
      system().idpSecret,
    );
    const saved = data(await run('b2b', 'SaveList', { input: { name: 'Walk list', lines: [{ variantId: product.variantId, quantity: 2 }] } }, buyer)).saveList;
    expect(saved).toMatchObject({ name: 'Walk list', shared: false, editable: true, version: 1, lines: [{ variantId: product.variantId, quantity: 2 }] });
    expect(data(await run('b2b', 'SavedLists', {}, buyer)).savedLists.map((l: { id: string }) => l.id)).toEqual([saved.id]);
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
    const filled = data(await run('b2b', 'AddSavedListToCart', { listId: saved.id, cartId: cart.id }, buyer)).addSavedListToCart;
    expect(filled).toMatchObject({ added: 1, skipped: [] });
    expect(filled.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 2]]);
    const ready = data(
      await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: buyer }),
    ).setCartDetails;
    const input = { cartId: cart.id, idempotencyKey: key('walk-lists'), expectedTotal: ready.totals.total, payment: { provider: 'manual' } };
    const placed = data(await bff('b2b', 'PlaceOrder', { input }, { token: buyer })).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const next = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
    const reordered = data(await run('b2b', 'Reorder', { orderId: placed.order.id, cartId: next.id }, buyer)).reorder;
    expect(reordered.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 2]]);
    expect(data(await run('b2b', 'DeleteSavedList', { id: saved.id }, buyer)).deleteSavedList).toBe(true);
    expect(data(await run('b2b', 'SavedLists', {}, buyer)).savedLists).toEqual([]);
  });
});

describe('quotes on the trade portal', () => {
  it('b2b: RequestQuote, MyQuotes, TradeQuote and TradeQuoteTotal (then PlaceOrder with the quote)', async () => {
    const buyer = await issueToken(
      { sub: `cus_t_walk_quotes_${RUN}`, kind: 'buyer', company: `cmp_t_walk_quotes_${RUN}`, companyRole: 'BUYER' },
      system().idpSecret,
    );
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
    data(await bff('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 2 }] }, { token: buyer }));
    data(await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: buyer }));
    const asked = data(await run('b2b', 'RequestQuote', { cartId: cart.id, note: 'walk' }, buyer)).requestQuote;
    expect(asked).toMatchObject({
      status: 'REQUESTED',
      cartId: cart.id,
      note: 'walk',
      lines: [{ variantId: product.variantId, quantity: 2, unitPrice: null }],
    });
    expect(data(await run('b2b', 'MyQuotes', {}, buyer)).myQuotes.map((q: { id: string }) => q.id)).toEqual([asked.id]);
    // Setup, not walk (the quotes walk, b2b-quotes.test.ts, runs the staff side): trade staff price it at 15.00.
    const staffer = await createStaff('walk-quotes', ['order-admin'], ['trade-eu']);
    const staffToken = (await staffSession(staffer.email)).token;
    const lines = [{ variantId: product.variantId, unitPrice: { amount: 1500, currency: 'EUR' } }];
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const offer = await bff('admin', 'ProposeQuote', { input: { id: asked.id, lines, expiresAt } }, { token: staffToken, channel: 'trade-eu' });
    expect(offer.errors).toBeUndefined();
    const read = data(await run('b2b', 'TradeQuote', { id: asked.id }, buyer)).tradeQuote;
    expect(read).toMatchObject({ status: 'PROPOSED', subtotal: { amount: 3000, currency: 'EUR' }, lines: [{ unitPrice: { amount: 1500, currency: 'EUR' } }] });
    // 2 x 15.00 = 30.00 net; standard shipping 4.90 (goods at list price 40.00 are under 50.00);
    // VAT 5.70 + 0.931 -> 0.93 = 6.63; total 30.00 + 4.90 + 6.63 = 41.53.
    const total = data(await run('b2b', 'TradeQuoteTotal', { id: asked.id }, buyer)).tradeQuoteTotal;
    expect(total).toEqual({
      quoteId: asked.id,
      subtotal: { amount: 3000, currency: 'EUR' },
      shipping: { amount: 490, currency: 'EUR' },
      tax: { amount: 663, currency: 'EUR' },
      total: { amount: 4153, currency: 'EUR' },
    });
    const input = { cartId: cart.id, quoteId: asked.id, idempotencyKey: key('walk-quote'), expectedTotal: total.total, payment: { provider: 'manual' } };
    const placed = data(await bff('b2b', 'PlaceOrder', { input }, { token: buyer })).placeOrder;
    expect(placed).toMatchObject({ __typename: 'OrderPlaced', order: { total: { amount: 4153, currency: 'EUR' } } });
  });
});

describe('recurring orders on the trade portal', () => {
  it('b2b: CreateRecurringOrder, RecurringOrders, RunRecurringOrderNow and SetRecurringOrderStatus', async () => {
    const admin = await issueToken(
      { sub: `cus_t_walk_recur_${RUN}`, kind: 'buyer', company: `cmp_t_walk_recur_${RUN}`, companyRole: 'ADMIN' },
      system().idpSecret,
    );
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: admin })).createCart;
    data(await bff('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 2 }] }, { token: admin }));
    data(await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: admin }));
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const input = { name: 'Walk weekly', cadence: 'WEEKLY', firstRun: tomorrow, cartId: cart.id, paymentProvider: 'manual' };
    const made = data(await run('b2b', 'CreateRecurringOrder', { input }, admin)).createRecurringOrder;
    // 2 x 20.00 = 40.00 net + 4.90 shipping = 44.90, VAT 7.60 + 0.93 = 8.53: 53.43.
    expect(made).toMatchObject({
      status: 'ACTIVE',
      source: 'CART',
      nextRun: { date: tomorrow, lines: [{ variantId: product.variantId, quantity: 2 }], estimatedTotal: { amount: 5343, currency: 'EUR' } },
      runs: [],
    });
    expect(data(await run('b2b', 'RecurringOrders', {}, admin)).recurringOrders.map((s: { id: string }) => s.id)).toEqual([made.id]);
    const ran = data(await run('b2b', 'RunRecurringOrderNow', { id: made.id, runDate: tomorrow }, admin)).runRecurringOrderNow;
    expect(ran).toMatchObject({ runDate: tomorrow, attempt: 1, status: 'PLACED', outcome: 'OrderPlaced' });
    const order = data(await bff('b2b', 'OrderStatus', { id: ran.orderId }, { token: admin })).order;
    expect(order.total).toEqual({ amount: 5343, currency: 'EUR' });
    const paused = data(await run('b2b', 'SetRecurringOrderStatus', { id: made.id, status: 'PAUSED' }, admin)).setRecurringOrderStatus;
    expect(paused).toMatchObject({ status: 'PAUSED', pausedReason: 'paused by the company admin', nextRun: null });
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
