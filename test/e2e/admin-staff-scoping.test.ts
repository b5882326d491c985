import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { data, key, one, op, readyCart, testCustomer } from './checkout-support.ts';
import { freshEmail, signUp } from './customers-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminSellable, codes } from './admin-walk-support.ts';

/**
 * A staff member whose roles are on web-us only, through the admin BFF, against web-eu's orders, customers
 * and prices: each refused with its exact code (or, for reads the subgraph answers as "no such thing", null),
 * and nothing written, checked in the database.
 */
const K = Math.random().toString(36).slice(2, 8);
let us = '';
let setup = '';

beforeAll(async () => {
  const [member, admin] = await Promise.all([
    createStaff('scope-us', ['order-admin', 'customer-admin', 'pricing-admin', 'viewer'], ['web-us']),
    createStaff('scope-setup', ['catalog-admin', 'pricing-admin', 'stock-admin'], ['*']),
  ]);
  us = (await staffSession(member.email)).token;
  setup = (await staffSession(admin.email)).token;
});

describe('web-us staff against web-eu, through the admin BFF', () => {
  it('orders: cannot read, queue, move or cancel a web-eu order', async () => {
    const { variantId } = await adminSellable(setup, 'scope', { eur: 2380, stock: 2, channels: ['web-eu'] });
    const shopper = await testCustomer('scope');
    const cart = await readyCart('b2c', shopper, [{ variantId, quantity: 1 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('scope'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const id = placed.order.id as string;

    // Working in web-us (their channel), the order is not theirs to see: null, as if it did not exist.
    const read = await bff('admin', 'Order', { id }, { token: us });
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ order: null });
    // Asking to work in web-eu, a channel not theirs, is refused at the door.
    expect(codes(await bff('admin', 'Order', { id }, { token: us, channel: 'web-eu' }))).toEqual(['FORBIDDEN']);
    expect(codes(await bff('admin', 'OrderQueue', { channel: 'web-eu' }, { token: us }))).toEqual(['FORBIDDEN']);
    expect(codes(await bff('admin', 'SetOrderStatus', { id, status: 'PROCESSING' }, { token: us }))).toEqual(['NOT_FOUND']);
    expect(codes(await bff('admin', 'CancelOrder', { id, reason: 'not theirs' }, { token: us }))).toEqual(['NOT_FOUND']);
    expect(
      await one((sql) => sql<{ status: string; cancel_reason: string | null }[]>`select status::text, cancel_reason from orders.orders where id = ${id}`),
    ).toEqual({
      status: 'PLACED',
      cancel_reason: null,
    });
  });

  it('customers: cannot find, regroup or erase a web-eu customer', async () => {
    const email = freshEmail(`scope-${K}`);
    const { customerId } = await signUp(email, 'web-eu', `Scope Shopper ${K}`);
    expect(data(await bff('admin', 'Customers', { search: email }, { token: us })).customers).toEqual([]);
    // The update matches no account of their realms: nothing to answer.
    const regroup = await bff('admin', 'SetCustomerGroup', { id: customerId, group: 'scope-gold' }, { token: us });
    expect(regroup.errors).toBeUndefined();
    expect(regroup.data).toEqual({ setCustomerGroup: null });
    expect(codes(await bff('admin', 'EraseCustomer', { id: customerId }, { token: us }))).toEqual(['NOT_FOUND']);
    // Nor move web-eu's shoppers into their own realm.
    expect(codes(await bff('admin', 'SetAccountPolicy', { channel: 'web-eu', realm: 'web-us' }, { token: us }))).toEqual(['FORBIDDEN']);
    expect(await one((sql) => sql<{ realm: string }[]>`select realm from customers.account_policies where channel = 'web-eu'`)).toEqual({ realm: 'brand-eu' });
    expect(
      await one(
        (sql) => sql<{ status: string; customer_group: string | null }[]>`select status::text, customer_group from customers.accounts where id = ${customerId}`,
      ),
    ).toEqual({ status: 'ACTIVE', customer_group: null });
  });

  it('prices: cannot change a web-eu price book, fill it, or add a web-eu promotion', async () => {
    const bookId = `bk_t_scope_${K}`;
    // An empty book of web-eu's, made by a pricing admin of every channel: it prices nothing.
    const book = { id: bookId, name: 'Scope book', level: 'CHANNEL', currency: 'EUR', channel: 'web-eu', taxIncluded: true };
    data(await bff('admin', 'UpsertPriceBook', { input: book }, { token: setup }));

    expect(codes(await bff('admin', 'UpsertPriceBook', { input: { ...book, name: 'Taken over' } }, { token: us }))).toEqual(['FORBIDDEN']);
    expect(codes(await bff('admin', 'ImportPriceEntries', { bookId, entries: [{ variantId: 'var_scope', amount: 1 }] }, { token: us }))).toEqual(['FORBIDDEN']);
    const promo = { id: `promo_t_scope_${K}`, channel: 'web-eu', name: 'Scope', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBasisPoints: 5000 };
    expect(codes(await bff('admin', 'UpsertPromotion', { input: promo }, { token: us }))).toEqual(['FORBIDDEN']);
    expect(codes(await bff('admin', 'Promotions', { channel: 'web-eu' }, { token: us }))).toEqual(['FORBIDDEN']);

    expect(await one((sql) => sql<{ name: string }[]>`select name from prices.price_books where id = ${bookId}`)).toEqual({ name: 'Scope book' });
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from prices.price_entries where book_id = ${bookId}`)).toEqual({ n: 0 });
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from prices.promotions where id = ${promo.id}`)).toEqual({ n: 0 });
  });
});
