import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { data, op, testIdentity } from './checkout-support.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';

/**
 * Quick order on the trade portal (issue 14): a list of SKU + quantity becomes cart lines; each bad line is
 * reported by its row (an unknown SKU, one the portal does not sell, a quantity out of range) and the
 * good ones are added, the same SKU twice adding up.
 */
const buyer = testIdentity('quick-order', { kind: 'buyer', company: `cmp_t_quick_${process.pid}` });

const trade = { sku: '', variantId: '' };
const other = { sku: '', variantId: '' };
const webOnly = { sku: '' };
beforeAll(async () => {
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
