import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { data, key, op, readyCart, testIdentity } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';

/**
 * Reorder and saved (requisition) lists on the trade portal (issue 14): a buyer's lists, their own or shared
 * in the company, and an earlier order, become cart lines in one step at today's prices; what the channel no
 * longer sells is skipped and reported, never added. Companies, buyers, products and the order are this file's own.
 *
 * Figures: each product is 119.00 gross in the base book, 100.00 net on trade-eu (tax-exclusive).
 */
const pid = process.pid;
const ACME = `cmp_t_lists_a_${pid}`;
const first = testIdentity('lists-first', { kind: 'buyer', company: ACME, role: 'BUYER' });
const colleague = testIdentity('lists-colleague', { kind: 'buyer', company: ACME, role: 'BUYER' });
const admin = testIdentity('lists-admin', { kind: 'buyer', company: ACME, role: 'ADMIN' });
const rival = testIdentity('lists-rival', { kind: 'buyer', company: `cmp_t_lists_b_${pid}`, role: 'ADMIN' });

const product = { a: '', b: '', bProduct: '' };
let orderId = '';
let catalogStaff = '';

beforeAll(async () => {
  for (const name of ['a', 'b'] as const) {
    const created = await createTestProduct({ channels: ['trade-eu'], name: `Lists ${name}` });
    const variantId = created.variants[0]!.id as string;
    await priceVariant(variantId, { eur: 11_900 });
    await receive(variantId, HAMBURG, 20);
    product[name] = variantId;
    if (name === 'b') product.bProduct = created.id;
  }
  const staff = await createStaff('lists-catalog', ['catalog-admin'], ['*']);
  catalogStaff = (await staffSession(staff.email)).token;
  // An earlier order of the first buyer's: 1 x a and 2 x b.
  const cart = await readyCart('b2b', first, [
    { variantId: product.a, quantity: 1 },
    { variantId: product.b, quantity: 2 },
  ]);
  const input = { cartId: cart.id, idempotencyKey: key('lists'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } };
  const placed = data(await op('b2b', 'PlaceOrder', { input }, first)).placeOrder;
  expect(placed.__typename).toBe('OrderPlaced');
  orderId = placed.order.id;
});

const lists = async (who: { token: string }) => data(await op('b2b', 'SavedLists', {}, who)).savedLists;
const newCart = async (who: { token: string }) => data(await op('b2b', 'CreateCart', { email: 'lists@example.com' }, who)).createCart.id as string;
/** Lines added in one change share their time; the cart then orders them by variant id, so compare as sets. */
const byVariant = (lines: (string | number)[][]) => [...lines].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
const cartLines = (cart: { lines: { variant: { id: string }; quantity: number }[] }) => byVariant(cart.lines.map((l) => [l.variant.id, l.quantity]));
const ids: Record<string, string> = {};

describe('saved lists', () => {
  it('are the buyer’s own or shared with their company, and never another company’s', async () => {
    const weekly = data(
      await op(
        'b2b',
        'SaveList',
        {
          input: {
            name: ' Weekly ',
            lines: [
              { variantId: product.a, quantity: 2 },
              { variantId: product.b, quantity: 1 },
              { variantId: product.a, quantity: 1 },
            ],
          },
        },
        first,
      ),
    ).saveList;
    // The same variant twice adds up: 2 + 1 = 3 of a.
    expect(weekly).toMatchObject({ name: 'Weekly', shared: false, editable: true, version: 1 });
    expect(weekly.lines.map((l: { variantId: string; quantity: number }) => [l.variantId, l.quantity])).toEqual([
      [product.a, 3],
      [product.b, 1],
    ]);
    const site = data(
      await op('b2b', 'SaveList', { input: { name: 'Site kit', shared: true, lines: [{ variantId: product.b, quantity: 4 }] } }, first),
    ).saveList;
    ids.weekly = weekly.id;
    ids.site = site.id;

    expect((await lists(first)).map((l: { id: string }) => l.id)).toEqual([site.id, weekly.id]);
    expect((await lists(colleague)).map((l: { id: string; editable: boolean }) => [l.id, l.editable])).toEqual([[site.id, false]]);
    expect((await lists(admin)).map((l: { id: string; editable: boolean }) => [l.id, l.editable])).toEqual([[site.id, true]]);
    expect(await lists(rival)).toEqual([]);
  });

  it('are changed by their owner, or the company admin for a shared one, at the version read', async () => {
    const replace = { id: ids.site, expectedVersion: 1, name: 'Site kit', shared: true, lines: [{ variantId: product.b, quantity: 6 }] };
    expect(codes(await op('b2b', 'SaveList', { input: replace }, colleague))).toEqual(['FORBIDDEN']);
    const byAdmin = data(await op('b2b', 'SaveList', { input: replace }, admin)).saveList;
    expect(byAdmin).toMatchObject({ id: ids.site, version: 2, lines: [{ variantId: product.b, quantity: 6 }] });
    // The owner read version 1: refused, nothing changed.
    expect(codes(await op('b2b', 'SaveList', { input: { ...replace, lines: [{ variantId: product.b, quantity: 1 }] } }, first))).toEqual(['CONFLICT']);
    expect((await lists(first)).find((l: { id: string }) => l.id === ids.site).lines).toMatchObject([{ variantId: product.b, quantity: 6 }]);
    // Another company's list is none at all; a colleague's private one too.
    expect(data(await op('b2b', 'DeleteSavedList', { id: ids.weekly }, rival)).deleteSavedList).toBe(false);
    expect(data(await op('b2b', 'DeleteSavedList', { id: ids.weekly }, colleague)).deleteSavedList).toBe(false);
    expect(codes(await op('b2b', 'SaveList', { input: { name: '', lines: [{ variantId: product.a, quantity: 1 }] } }, first))).toEqual(['BAD_USER_INPUT']);
  });

  it('fill a cart in one step; a colleague’s company order can be reordered; other companies’ cannot', async () => {
    const cartId = await newCart(first);
    const filled = data(await op('b2b', 'AddSavedListToCart', { listId: ids.weekly, cartId }, first)).addSavedListToCart;
    expect(filled.added).toBe(2);
    expect(filled.skipped).toEqual([]);
    expect(cartLines(filled.cart)).toEqual(
      byVariant([
        [product.a, 3],
        [product.b, 1],
      ]),
    );
    const again = data(await op('b2b', 'Reorder', { orderId, cartId: await newCart(colleague) }, colleague)).reorder;
    expect(cartLines(again.cart)).toEqual(
      byVariant([
        [product.a, 1],
        [product.b, 2],
      ]),
    );
    expect(codes(await op('b2b', 'Reorder', { orderId, cartId: await newCart(rival) }, rival))).toEqual(['NOT_FOUND']);
  });

  it('skip what the channel no longer sells, and a list cannot take it any more', async () => {
    const hidden = await bff(
      'admin',
      'SetChannelProduct',
      { channel: 'trade-eu', productId: product.bProduct, input: { visible: false } },
      {
        token: catalogStaff,
        channel: 'trade-eu',
      },
    );
    expect(hidden.errors).toBeUndefined();
    const fromList = data(await op('b2b', 'AddSavedListToCart', { listId: ids.weekly, cartId: await newCart(first) }, first)).addSavedListToCart;
    expect(fromList.added).toBe(1);
    expect(fromList.skipped).toEqual([{ variantId: product.b, quantity: 1 }]);
    expect(cartLines(fromList.cart)).toEqual([[product.a, 3]]);
    const reordered = data(await op('b2b', 'Reorder', { orderId, cartId: await newCart(first) }, first)).reorder;
    expect(reordered.skipped).toEqual([{ variantId: product.b, quantity: 2 }]);
    expect(cartLines(reordered.cart)).toEqual([[product.a, 1]]);
    // The list keeps the line, with no variant to show.
    const weekly = (await lists(first)).find((l: { id: string }) => l.id === ids.weekly);
    expect(weekly.lines).toEqual([
      { variantId: product.a, variant: { id: product.a, sku: expect.stringMatching(/^T-/) }, quantity: 3 },
      { variantId: product.b, variant: null, quantity: 1 },
    ]);
    expect(codes(await op('b2b', 'SaveList', { input: { name: 'Gone', lines: [{ variantId: product.b, quantity: 1 }] } }, first))).toEqual(['NOT_IN_CHANNEL']);
  });
});
