import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { bff } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data, op, testIdentity } from './checkout-support.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';

/**
 * Quick order on the trade portal (issue 14): a list of SKU + quantity becomes cart lines; each bad line is
 * reported by its row (an unknown SKU, one the portal does not sell, a quantity out of range) and the
 * good ones are added, the same SKU twice adding up.
 */
const buyer = testIdentity('quick-order', { kind: 'buyer', company: `cmp_t_quick_${process.pid}` });
// A second company whose admin switches backorders off for its quick and bulk orders.
const strictAdmin = testIdentity('quick-order-strict', { kind: 'buyer', company: `cmp_t_quick_strict_${process.pid}`, role: 'ADMIN' });
let catalogToken = '';

const trade = { sku: '', variantId: '' };
const other = { sku: '', variantId: '' };
const webOnly = { sku: '' };
// Sold in packs of 6, at least 12 a line; 20 in stock and, on the trade portal, 10 more on backorder.
const packed = { sku: '', variantId: '' };
// 3 in stock, no backorders.
const scarce = { sku: '', variantId: '' };
beforeAll(async () => {
  for (const [target, units] of [
    [packed, 20],
    [scarce, 3],
  ] as const) {
    const product = await createTestProduct({ channels: ['trade-eu'], name: 'Quick order rules product' });
    const variantId = product.variants[0]!.id as string;
    await priceVariant(variantId, { eur: 2_500 });
    await receive(variantId, HAMBURG, units);
    Object.assign(target, { sku: product.input.variants[0]!.sku, variantId });
  }
  const [catalog, stock] = await Promise.all([
    createStaff('quick-catalog', ['catalog-admin', 'viewer'], ['*']),
    createStaff('quick-stock', ['stock-admin', 'viewer'], ['*']),
  ]);
  catalogToken = (await staffSession(catalog.email)).token;
  const stockToken = (await staffSession(stock.email)).token;
  // Staff set the trade rules as the admin console does: UpdateVariant and SetBackorderPolicy by name.
  const rules = await bff(
    'admin',
    'UpdateVariant',
    { id: packed.variantId, expectedVersion: 1, input: { packSize: 6, minOrderQuantity: 12 } },
    { token: catalogToken },
  );
  expect(data(rules).updateVariant).toMatchObject({ packSize: 6, minOrderQuantity: 12 });
  const policy = await bff(
    'admin',
    'SetBackorderPolicy',
    { input: { channel: 'trade-eu', variantId: packed.variantId, limit: 10 } },
    { token: stockToken, channel: 'trade-eu' },
  );
  expect(data(policy).setBackorderPolicy).toMatchObject({ limit: 10 });

  for (const [target, channels] of [
    [trade, ['web-eu', 'trade-eu']],
    [other, ['web-eu', 'trade-eu']],
    [webOnly, ['web-eu']],
  ] as const) {
    const product = await createTestProduct({ channels: [...channels], name: 'Quick order test product' });
    const variantId = product.variants[0]!.id as string;
    await priceVariant(variantId, { eur: 11_900, usd: 13_000 });
    await receive(variantId, HAMBURG, 5);
    Object.assign(target, { sku: product.input.variants[0]!.sku, variantId });
  }
});

const newCart = async () => data(await op('b2b', 'CreateCart', { email: 'quick@example.com' }, buyer)).createCart as { id: string; version: number };

describe('quick order by SKU', () => {
  it('adds the good lines and reports each bad one by its row', async () => {
    const cart = await newCart();
    const lines = [
      { sku: trade.sku, quantity: 2 },
      { sku: 'NO-SUCH-SKU-42', quantity: 1 },
      { sku: webOnly.sku, quantity: 1 },
      // Pasted from a spreadsheet with spaces around it: trimmed.
      { sku: ` ${trade.sku} `, quantity: 3 },
      { sku: other.sku, quantity: 0 },
      { sku: other.sku, quantity: 10_001 },
      { sku: other.sku, quantity: 4 },
    ];
    const result = data(await op('b2b', 'AddCartLinesBySku', { cartId: cart.id, lines }, buyer)).addCartLinesBySku;
    const problems = [
      { row: 2, sku: 'NO-SUCH-SKU-42', code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' },
      // Sold on the web shop only: to the trade portal it is as unknown as a SKU that does not exist.
      { row: 3, sku: webOnly.sku, code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' },
      { row: 5, sku: other.sku, code: 'INVALID_QUANTITY', message: 'quantity must be from 1 to 10000' },
      { row: 6, sku: other.sku, code: 'INVALID_QUANTITY', message: 'quantity must be from 1 to 10000' },
    ];
    expect(result.problems).toEqual(problems);
    expect(result.added).toBe(3);
    const byVariant = Object.fromEntries(result.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity]));
    // The trade SKU twice: 2 + 3 = 5; the other SKU's good row: 4.
    expect(byVariant).toEqual({ [trade.variantId]: 5, [other.variantId]: 4 });
    expect(result.cart.version).toBe(cart.version + 1);
  });

  it('adds nothing when no line is good, and refuses a list longer than a cart holds', async () => {
    const cart = await newCart();
    const none = data(await op('b2b', 'AddCartLinesBySku', { cartId: cart.id, lines: [{ sku: webOnly.sku, quantity: 1 }] }, buyer)).addCartLinesBySku;
    expect(none).toMatchObject({ added: 0, cart: { id: cart.id, version: cart.version, lines: [] } });
    expect(none.problems.map((p: { row: number; code: string }) => [p.row, p.code])).toEqual([[1, 'UNKNOWN_SKU']]);
    const tooMany = Array.from({ length: 101 }, () => ({ sku: trade.sku, quantity: 1 }));
    const refused = await op('b2b', 'AddCartLinesBySku', { cartId: cart.id, lines: tooMany }, buyer);
    expect(refused.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['BAD_USER_INPUT', 'INVALID_LINES']]);
    const after = data(await op('b2b', 'Cart', { id: cart.id }, buyer)).cart;
    expect([after.version, after.lines]).toEqual([cart.version, []]);
  });
});

describe('quick order rules: minimum, pack size, stock and backorder', () => {
  it('shows the pack size and minimum to the buyer', async () => {
    const v = data(await op('b2b', 'TradeVariantBySku', { sku: packed.sku }, buyer)).variantBySku;
    expect(v).toMatchObject({ id: packed.variantId, packSize: 6, minOrderQuantity: 12 });
  });

  it('refuses rows below the minimum, off the pack size or beyond stock, and backorders within the room', async () => {
    const cart = await newCart();
    const lines = [
      { sku: packed.sku, quantity: 6 }, // below the minimum of 12
      { sku: packed.sku, quantity: 13 }, // not a multiple of 6
      { sku: packed.sku, quantity: 18 }, // fine: 18 of 20 in stock
      { sku: packed.sku, quantity: 12 }, // 18 + 12 = 30 = 20 in stock + 10 on backorder: 10 backordered
      { sku: packed.sku, quantity: 12 }, // 42 > 30: nothing left
      { sku: scarce.sku, quantity: 4 }, // 3 in stock, no backorders
      { sku: scarce.sku, quantity: 3 }, // fine
    ];
    const result = data(await op('b2b', 'AddCartLinesBySku', { cartId: cart.id, lines }, buyer)).addCartLinesBySku;
    expect(result.problems).toEqual([
      { row: 1, sku: packed.sku, code: 'BELOW_MINIMUM', message: 'at least 12 units a line' },
      { row: 2, sku: packed.sku, code: 'NOT_PACK_MULTIPLE', message: 'sold in packs of 6' },
      { row: 5, sku: packed.sku, code: 'SHORT_STOCK', message: 'only 0 more can be ordered now' },
      { row: 6, sku: scarce.sku, code: 'SHORT_STOCK', message: 'only 3 more can be ordered now' },
    ]);
    // Row 4 takes units 19..30; 21..30 (10) are beyond the 20 in stock.
    expect(result.backordered).toEqual([{ row: 4, sku: packed.sku, quantity: 10 }]);
    expect(result.added).toBe(3);
    const byVariant = Object.fromEntries(result.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity]));
    // 18 + 12 = 30 of the packed variant; 3 of the scarce one.
    expect(byVariant).toEqual({ [packed.variantId]: 30, [scarce.variantId]: 3 });
  });

  it('refuses what stock lacks when the buyer declines backorders', async () => {
    const cart = await newCart();
    const lines = [{ sku: packed.sku, quantity: 24 }];
    const result = data(await op('b2b', 'AddCartLinesBySku', { cartId: cart.id, lines, acceptBackorder: false }, buyer)).addCartLinesBySku;
    expect(result.problems).toEqual([{ row: 1, sku: packed.sku, code: 'SHORT_STOCK', message: 'only 20 more can be ordered now' }]);
    expect(result).toMatchObject({ added: 0, backordered: [], cart: { id: cart.id, version: cart.version, lines: [] } });
  });

  it("refuses what stock lacks when the buyer's company switched backorders off", async () => {
    const policy = data(await op('b2b', 'SetCompanyOrderPolicy', { input: { purchaseOrderRequired: false, backorders: false } }, strictAdmin));
    expect(policy.setCompanyOrderPolicy).toMatchObject({ backorders: false });
    const cart = data(await op('b2b', 'CreateCart', { email: 'strict@example.com' }, strictAdmin)).createCart;
    // 24 > 20 in stock: the variant takes 10 on backorder, but this company does not want any.
    const lines = [{ sku: packed.sku, quantity: 24 }];
    const result = data(await op('b2b', 'AddCartLinesBySku', { cartId: cart.id, lines }, strictAdmin)).addCartLinesBySku;
    expect(result.problems).toEqual([{ row: 1, sku: packed.sku, code: 'SHORT_STOCK', message: 'only 20 more can be ordered now' }]);
    expect(result.added).toBe(0);
  });

  it('lets staff set a pack size and minimum only from 1 to 10,000', async () => {
    for (const input of [{ packSize: 0 }, { minOrderQuantity: 10_001 }]) {
      const res = await bff('admin', 'UpdateVariant', { id: scarce.variantId, expectedVersion: 1, input }, { token: catalogToken });
      expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['BAD_USER_INPUT', 'INVALID_VALUE']]);
    }
    const v = data(await op('b2b', 'TradeVariantBySku', { sku: scarce.sku }, buyer)).variantBySku;
    expect(v).toMatchObject({ packSize: 1, minOrderQuantity: 1 });
  });
});
