import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data, key, one, op, readyCart, sellable, stockOf, testIdentity } from './checkout-support.ts';

/**
 * Purchase orders on the trade portal (issue 14): a company's admin makes the PO number required; a
 * checkout without one is refused before anything is written; the PO number and cost centre are stored on
 * the order, shown in the company's orders, searchable there by prefix (and by staff in the channel's
 * orders), and never across companies.
 */

// Two companies of this file's own (their ids exist only in these tokens' claims and on the orders).
const ACME = `cmp_t_po_a_${process.pid}`;
const GLOBEX = `cmp_t_po_b_${process.pid}`;
const admin = testIdentity('po-admin', { kind: 'buyer', company: ACME, role: 'ADMIN' });
const buyer = testIdentity('po-buyer', { kind: 'buyer', company: ACME, role: 'BUYER' });
const rival = testIdentity('po-rival', { kind: 'buyer', company: GLOBEX, role: 'ADMIN' });
const shopper = testIdentity('po-shopper');
// A run-unique PO prefix, so searches in the shared trade-eu channel find only this file's orders.
const RUN = `T${process.pid}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

let variant: string;
beforeAll(async () => {
  variant = await sellable({ eur: 11_900, stock: 20 });
});

const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.map((e) => [e.extensions?.code, e.extensions?.reason]);

/** Places a one-line trade order with this PO (or none) and answers the raw response. */
async function placeWith(who: typeof buyer, purchaseOrder: unknown, idempotencyKey = key('po')) {
  const cart = await readyCart('b2b', who, [{ variantId: variant, quantity: 1 }]);
  expect(cart.problems).toEqual([]);
  const input = { cartId: cart.id, idempotencyKey, expectedTotal: cart.totals!.total, payment: { provider: 'manual' }, purchaseOrder };
  return { cart, input, res: await op('b2b', 'PlaceOrder', { input }, who) };
}

/** Every order of the caller's company whose PO number starts with `search`, newest first. */
async function companyOrdersByPo(who: typeof buyer, search: string) {
  const page = data(await op('b2b', 'CompanyOrders', { first: 100, purchaseOrder: search }, who)).myOrders;
  expect(page.pageInfo.hasNextPage).toBe(false);
  return page.nodes as { id: string; number: string; purchaseOrder: { number: string | null; costCentre: string | null } | null }[];
}

async function writtenFor(idempotencyKey: string, cartId: string) {
  return one(
    (sql) => sql<{ checkouts: number; cart_status: string }[]>`
      select (select count(*) from orders.checkouts where idempotency_key = ${idempotencyKey})::int as checkouts,
             (select status from orders.carts where id = ${cartId}::uuid) as cart_status`,
  );
}

describe('purchase orders on trade orders', () => {
  const placed: { id: string; number: string }[] = [];

  it("lets only the company's admin require a PO number, and each company sees its own policy", async () => {
    expect(data(await op('b2b', 'CompanyOrderPolicy', {}, buyer)).companyOrderPolicy).toEqual({
      company: { id: ACME },
      purchaseOrderRequired: false,
      approverLimit: null,
      approvalSeconds: 86_400,
      backorders: true,
    });
    const refused = await op('b2b', 'SetCompanyOrderPolicy', { input: { purchaseOrderRequired: true } }, buyer);
    expect(codeOf(refused)).toEqual([['FORBIDDEN', undefined]]);
    expect(data(await op('b2b', 'CompanyOrderPolicy', {}, buyer)).companyOrderPolicy.purchaseOrderRequired).toBe(false);

    const set = data(await op('b2b', 'SetCompanyOrderPolicy', { input: { purchaseOrderRequired: true } }, admin)).setCompanyOrderPolicy;
    expect(set).toEqual({ company: { id: ACME }, purchaseOrderRequired: true, approverLimit: null, approvalSeconds: 86_400, backorders: true });
    expect(data(await op('b2b', 'CompanyOrderPolicy', {}, buyer)).companyOrderPolicy).toEqual({
      company: { id: ACME },
      purchaseOrderRequired: true,
      approverLimit: null,
      approvalSeconds: 86_400,
      backorders: true,
    });
    // Globex's policy is its own: still the default.
    expect(data(await op('b2b', 'CompanyOrderPolicy', {}, rival)).companyOrderPolicy).toEqual({
      company: { id: GLOBEX },
      purchaseOrderRequired: false,
      approverLimit: null,
      approvalSeconds: 86_400,
      backorders: true,
    });
  });

  it('refuses a checkout without a PO number when the company requires one, writing nothing', async () => {
    const before = await stockOf(variant);
    for (const purchaseOrder of [undefined, { costCentre: 'CC-100' }, { number: '   ', costCentre: null }]) {
      const { cart, input, res } = await placeWith(buyer, purchaseOrder);
      expect(res.status).toBe(200);
      expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['PURCHASE_ORDER_REQUIRED', 'input.purchaseOrder.number']]);
      expect(await writtenFor(input.idempotencyKey, cart.id)).toEqual({ checkouts: 0, cart_status: 'ACTIVE' });
    }
    expect(await stockOf(variant)).toEqual(before);
  });

  it('refuses a malformed PO, and a PO from a consumer, as bad input with nothing written', async () => {
    for (const purchaseOrder of [{ number: 'x'.repeat(36) }, { number: 'PO;DROP' }, { number: `${RUN}-1`, costCentre: '-lead' }]) {
      const { cart, input, res } = await placeWith(buyer, purchaseOrder);
      expect(codeOf(res)).toEqual([['BAD_USER_INPUT', 'INVALID_PURCHASE_ORDER']]);
      expect(await writtenFor(input.idempotencyKey, cart.id)).toEqual({ checkouts: 0, cart_status: 'ACTIVE' });
    }
    const cart = await readyCart('b2c', shopper, [{ variantId: variant, quantity: 1 }]);
    const input = {
      cartId: cart.id,
      idempotencyKey: key('po-b2c'),
      expectedTotal: cart.totals!.total,
      payment: { provider: 'manual' },
      purchaseOrder: { number: 'PO-1' },
    };
    expect(codeOf(await op('b2c', 'PlaceOrder', { input }, shopper))).toEqual([['BAD_USER_INPUT', 'PURCHASE_ORDER_NOT_TRADE']]);
    expect(await writtenFor(input.idempotencyKey, cart.id)).toEqual({ checkouts: 0, cart_status: 'ACTIVE' });
  });

  it('stores the PO number and cost centre on the order and in its order.placed event; a retry gives the same order', async () => {
    const before = await stockOf(variant);
    const po = { number: `${RUN}-100`, costCentre: 'Facilities 7' };
    const { input, res } = await placeWith(buyer, po);
    const order = data(res).placeOrder.order;
    expect(data(res).placeOrder.__typename).toBe('OrderPlaced');
    placed.push(order);
    expect(await stockOf(variant)).toEqual({ on_hand: before.on_hand - 1, reserved: 0 });
    expect(
      await one(
        (sql) => sql<{ purchase_order: string; cost_centre: string; company_id: string }[]>`
        select purchase_order, cost_centre, company_id from orders.orders where id = ${order.id}`,
      ),
    ).toEqual({ purchase_order: `${RUN}-100`, cost_centre: 'Facilities 7', company_id: ACME });
    const event = await one((sql) => sql<{ data: any }[]>`select data from orders.outbox where type = 'order.placed' and aggregate_id = ${order.id}`);
    expect(event.data.purchaseOrder).toEqual({ number: `${RUN}-100`, costCentre: 'Facilities 7' });

    // The same key and PO: the first answer again. The same key with another PO: another request.
    const again = data(await op('b2b', 'PlaceOrder', { input }, buyer)).placeOrder;
    expect(again.order.id).toBe(order.id);
    const reused = await op('b2b', 'PlaceOrder', { input: { ...input, purchaseOrder: { ...po, number: `${RUN}-101` } } }, buyer);
    expect(codeOf(reused)).toEqual([['IDEMPOTENCY_KEY_REUSED', undefined]]);
    expect(await stockOf(variant)).toEqual({ on_hand: before.on_hand - 1, reserved: 0 });
  });

  it("finds the company's orders by PO prefix, case-insensitively, and never another company's", async () => {
    // Two more Acme orders (PO ...-1000 and ...-2) and one of Globex's with a PO that starts like Acme's.
    // Globex has no policy, so its admin may also order without a PO.
    for (const number of [`${RUN}-1000`, `${RUN}-2`]) {
      const { res } = await placeWith(admin, { number });
      placed.push(data(res).placeOrder.order);
    }
    const theirs = data((await placeWith(rival, { number: `${RUN}-1009`, costCentre: 'RD' })).res).placeOrder.order;
    const without = await placeWith(rival, null);
    expect(data(without.res).placeOrder.__typename).toBe('OrderPlaced');

    // "<run>-1" matches -100 and -1000 (newest first), not -2; lower case finds the same.
    const byPrefix = await companyOrdersByPo(buyer, `${RUN.toLowerCase()}-1`);
    expect(byPrefix.map((o) => [o.id, o.purchaseOrder])).toEqual([
      [placed[1]!.id, { number: `${RUN}-1000`, costCentre: null }],
      [placed[0]!.id, { number: `${RUN}-100`, costCentre: 'Facilities 7' }],
    ]);
    expect((await companyOrdersByPo(buyer, RUN)).map((o) => o.id)).toEqual([placed[2]!.id, placed[1]!.id, placed[0]!.id]);
    // LIKE's wildcards are taken literally: "_" and "%" match no PO of these.
    expect(await companyOrdersByPo(buyer, `${RUN}_1`)).toEqual([]);
    expect(await companyOrdersByPo(buyer, '%')).toEqual([]);
    // Globex's admin finds its own order by the same prefix, and none of Acme's.
    expect((await companyOrdersByPo(rival, RUN)).map((o) => o.id)).toEqual([theirs.id]);
    expect(codeOf(await op('b2b', 'CompanyOrders', { first: 10, purchaseOrder: ' ' }, buyer))).toEqual([['BAD_USER_INPUT', 'INVALID_PURCHASE_ORDER']]);

    // Globex requires PO numbers from now on: a retry of the order it placed without one still answers that
    // order (the key's first answer), while a new checkout without one is refused.
    data(await op('b2b', 'SetCompanyOrderPolicy', { input: { purchaseOrderRequired: true } }, rival));
    const replay = data(await op('b2b', 'PlaceOrder', { input: without.input }, rival)).placeOrder;
    expect(replay.order.id).toBe(data(without.res).placeOrder.order.id);
    expect(codeOf((await placeWith(rival, null)).res)).toEqual([['PURCHASE_ORDER_REQUIRED', undefined]]);
  });

  it("lets order staff of trade-eu find orders by PO in the channel's orders, whatever their status", async () => {
    const staff = await createStaff('po-orders', ['order-admin'], ['trade-eu']);
    const { token } = await staffSession(staff.email);
    const found = data(
      await bff('admin', 'OrderQueue', { channel: 'trade-eu', purchaseOrder: `${RUN}-10`, first: 50 }, { token, channel: 'trade-eu' }),
    ).orderQueue;
    // Oldest first: -100 (Acme), -1000 (Acme), -1009 (Globex).
    expect(found.nodes.map((o: { purchaseOrder: { number: string } }) => o.purchaseOrder.number)).toEqual([`${RUN}-100`, `${RUN}-1000`, `${RUN}-1009`]);
    // (The company itself is null: these test companies exist only in the buyers' tokens, not in customers.)
    expect(found.nodes[0]).toMatchObject({ id: placed[0]!.id, number: placed[0]!.number, purchaseOrder: { number: `${RUN}-100`, costCentre: 'Facilities 7' } });
    // A web-eu order admin cannot search trade-eu.
    const other = await createStaff('po-orders-eu', ['order-admin'], ['web-eu']);
    const eu = await staffSession(other.email);
    const refused = await bff('admin', 'OrderQueue', { channel: 'trade-eu', purchaseOrder: RUN }, { token: eu.token, channel: 'web-eu' });
    expect(codeOf(refused)).toEqual([['FORBIDDEN', undefined]]);
  });
});
