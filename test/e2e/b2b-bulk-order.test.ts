import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { bff, system } from '../support/clients.ts';
import { RawConnection, request } from '../support/raw-connection.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { BERLIN_ADDRESS, data, key, one, op, sellable, stockOf, testIdentity } from './checkout-support.ts';
import { bulkCsv } from './bulk-order-support.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';

/**
 * CSV bulk order on the trade portal (issue 14): a file of SKU + quantity rows is checked row by row (its
 * own faults and each line's catalogue, minimum, pack size and stock), every bad row reported and nothing
 * written while one is bad; a good file goes into a cart in one change and is ordered through the usual
 * checkout. Too many rows, no header and an oversized body are refused whole.
 */
const buyer = testIdentity('bulk-order', { kind: 'buyer', company: `cmp_t_bulk_${process.pid}` });
const consumer = testIdentity('bulk-order-consumer');

const bolt = { sku: '', variantId: '' }; // 40 in stock, packs of 6
const nut = { sku: '', variantId: '' }; // 10 in stock
const washer = { sku: '', variantId: '' }; // 100 in stock

const skuOf = async (variantId: string) => (await one((sql) => sql<{ sku: string }[]>`select sku from products.variants where id = ${variantId}`)).sku;

beforeAll(async () => {
  for (const [target, units] of [
    [nut, 10],
    [washer, 100],
  ] as const) {
    const variantId = await sellable({ eur: 1_190, stock: units });
    Object.assign(target, { variantId, sku: await skuOf(variantId) });
  }
  const product = await createTestProduct({ channels: ['trade-eu'], name: 'Bulk order bolt' });
  bolt.variantId = product.variants[0]!.id as string;
  bolt.sku = product.input.variants[0]!.sku;
  await priceVariant(bolt.variantId, { eur: 595 });
  await receive(bolt.variantId, HAMBURG, 40);
  const catalog = await createStaff('bulk-catalog', ['catalog-admin', 'viewer'], ['*']);
  const token = (await staffSession(catalog.email)).token;
  const rules = await bff('admin', 'UpdateVariant', { id: bolt.variantId, expectedVersion: 1, input: { packSize: 6 } }, { token });
  expect(data(rules).updateVariant).toMatchObject({ packSize: 6, minOrderQuantity: 1 });
});

const newCart = async () => data(await op('b2b', 'CreateCart', { email: 'bulk@example.com' }, buyer)).createCart as { id: string; version: number };
const reasonOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.map((e) => [e.extensions?.code, e.extensions?.reason]);

describe('CSV bulk order', () => {
  it('reports every bad row by its number and writes nothing', async () => {
    const csv = [
      // A spreadsheet's own columns around the two that matter, in another order and case.
      'Line,Quantity,SKU,Note',
      `1,12,${bolt.sku},ok`, // row 1: two packs of 6
      `2,7,${bolt.sku},`, // row 2: not a multiple of 6
      '3,1,NO-SUCH-SKU-77,', // row 3
      `4,-3,${nut.sku},`, // row 4: negative
      `5,two,${nut.sku},`, // row 5: not a number
      `6,,${nut.sku},`, // row 6: no quantity
      '',
      `7,11,${nut.sku},`, // row 7 (the empty line is skipped): 11 > 10 in stock, no backorders
      `8,5,"${washer.sku}","a quoted, comma'd note"`, // row 8: ok
    ].join('\n');
    const report = data(await op('b2b', 'CheckBulkOrder', { csv }, buyer)).checkBulkOrder;
    expect(report).toEqual({
      rows: 8,
      // Rows 1 and 8 are good: 12 bolts and 5 washers, two cart lines, all in stock.
      lines: 2,
      units: 17,
      backorderedUnits: 0,
      problems: [
        { row: 2, sku: bolt.sku, code: 'NOT_PACK_MULTIPLE', message: 'sold in packs of 6' },
        { row: 3, sku: 'NO-SUCH-SKU-77', code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' },
        { row: 4, sku: nut.sku, code: 'INVALID_QUANTITY', message: 'quantity must be from 1 to 10000' },
        { row: 5, sku: nut.sku, code: 'INVALID_QUANTITY', message: 'quantity must be a whole number from 1 to 10000' },
        { row: 6, sku: nut.sku, code: 'MALFORMED_ROW', message: 'needs a sku and a quantity' },
        { row: 7, sku: nut.sku, code: 'SHORT_STOCK', message: 'only 10 more can be ordered now' },
      ],
    });
    const cart = await newCart();
    const added = data(await op('b2b', 'AddBulkOrderToCart', { cartId: cart.id, csv }, buyer)).addBulkOrderToCart;
    expect(added).toEqual({ check: report, cart: null });
    const after = data(await op('b2b', 'Cart', { id: cart.id }, buyer)).cart;
    expect([after.version, after.lines]).toEqual([cart.version, []]);
  });

  it('reports broken quoting at the row where it starts, after the rows before it', async () => {
    const csv = `sku,quantity\n${nut.sku},1\nNO-SUCH-SKU-78,1\n"${washer.sku},2\n${washer.sku},3\n`;
    const report = data(await op('b2b', 'CheckBulkOrder', { csv }, buyer)).checkBulkOrder;
    expect(report.problems.map((p: { row: number; code: string }) => [p.row, p.code])).toEqual([
      [2, 'UNKNOWN_SKU'],
      [3, 'MALFORMED_ROW'],
    ]);
    expect(report.problems[1].message).toMatch(/^not readable as CSV \(CSV_QUOTE_NOT_CLOSED\)/);
    // Only row 1 was good; nothing after the broken quote counts.
    expect([report.rows, report.lines, report.units]).toEqual([2, 1, 1]);
  });

  it('refuses a file of 5,001 rows, one without the sku and quantity columns, and a body past 1 MiB', async () => {
    const rows = Array.from({ length: 5_001 }, () => [washer.sku, 1] as const);
    const tooMany = await op('b2b', 'CheckBulkOrder', { csv: bulkCsv(rows) }, buyer);
    expect(reasonOf(tooMany)).toEqual([['BAD_USER_INPUT', 'TOO_MANY_ROWS']]);
    const headless = await op('b2b', 'CheckBulkOrder', { csv: `${washer.sku},1\n` }, buyer);
    expect(reasonOf(headless)).toEqual([['BAD_USER_INPUT', 'MISSING_COLUMNS']]);
    // A 10 MB file: refused at the edge by its declared size, before any of it is read or parsed.
    const cart = await newCart();
    const conn = new RawConnection(system().b2b);
    try {
      const start = JSON.stringify({ operationName: 'AddBulkOrderToCart', variables: { cartId: cart.id, csv: 'sku,quantity\n' } }).slice(0, -3);
      await conn.write(request(['content-type: application/json', `authorization: Bearer ${buyer.token}`, 'content-length: 10000000'], start));
      const refused = await conn.response();
      expect(refused?.status).toBe(413);
      expect(JSON.parse(refused!.body).errors[0].message).toMatch(/too large/);
    } finally {
      conn.destroy();
    }
    // Any other operation keeps the usual 10,000-character strings.
    const longEmail = await op('b2b', 'CreateCart', { email: `${'a'.repeat(10_001)}@example.com` }, buyer);
    expect(reasonOf(longEmail)).toEqual([['BAD_USER_INPUT', 'STRING_TOO_LONG']]);
    const after = data(await op('b2b', 'Cart', { id: cart.id }, buyer)).cart;
    expect([after.version, after.lines]).toEqual([cart.version, []]);
  });

  it('is for trade buyers of a company only', async () => {
    const res = await op('b2b', 'CheckBulkOrder', { csv: bulkCsv([[washer.sku, 1]]) }, consumer);
    expect(res.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
  });

  it('puts a good file into the cart in one change, and the usual checkout orders it', async () => {
    const cart = await newCart();
    // Bolts twice (6 + 12 = 18, three packs), 4 nuts, 20 washers: three cart lines, 42 units.
    const csv = bulkCsv([
      [bolt.sku, 6],
      [nut.sku, 4],
      [washer.sku, 20],
      [bolt.sku, 12],
    ]);
    const added = data(await op('b2b', 'AddBulkOrderToCart', { cartId: cart.id, csv, expectedVersion: cart.version }, buyer)).addBulkOrderToCart;
    expect(added.check).toEqual({ rows: 4, lines: 3, units: 42, backorderedUnits: 0, problems: [] });
    expect(added.cart).toMatchObject({ id: cart.id, version: cart.version + 1, status: 'ACTIVE' });
    const ready = data(
      await op('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, buyer),
    ).setCartDetails;
    const quantities = Object.fromEntries(ready.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity]));
    expect(quantities).toEqual({ [bolt.variantId]: 18, [nut.variantId]: 4, [washer.variantId]: 20 });
    const input = { cartId: cart.id, idempotencyKey: key('bulk'), expectedTotal: ready.totals.total, payment: { provider: 'manual' } };
    const placed = data(await op('b2b', 'PlaceOrder', { input }, buyer)).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const lines = await one(
      (sql) =>
        sql<{ n: number; units: number }[]>`select count(*)::int as n, sum(quantity)::int as units from orders.order_lines where order_id = ${placed.order.id}`,
    );
    expect(lines).toEqual({ n: 3, units: 42 });
    // Sold from stock: 40 - 18 bolts, 10 - 4 nuts, 100 - 20 washers on hand, none left reserved.
    expect(await stockOf(bolt.variantId)).toEqual({ on_hand: 22, reserved: 0 });
    expect(await stockOf(nut.variantId)).toEqual({ on_hand: 6, reserved: 0 });
    expect(await stockOf(washer.variantId)).toEqual({ on_hand: 80, reserved: 0 });
  });
});
