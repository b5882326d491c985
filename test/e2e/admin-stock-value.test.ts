import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { data } from './checkout-support.ts';
import { gateway } from './stock-support.ts';

/**
 * Stock value per location and sell-through (issue 16 item 5), through the admin BFF by name. Channels,
 * locations, variants and cost prices are this file's own: two channels (sv-<k>-eu with locations EU1 and
 * EU2, sv-<k>-us with US), four variants. The ledger of January and February 2019 is written as stock's
 * ledger writes it (movements and the levels they sum to, in one transaction) because no client can move
 * stock in the past; one receipt of today goes through ReceiveStock. Every expected figure is worked out by
 * hand from `LEDGER` and `COSTS`. The cost test counts statements on the gateway with a signed staff context,
 * as the other SQL-count tests (catalog-listing, foundation) do.
 */
const run = adminWalk('stockValue');
const K = Math.random().toString(36).slice(2, 8);
const EU = `sv-${K}-eu`;
const US = `sv-${K}-us`;
// Only the cost test's location sells here, so the other tests' answers do not list its 30 variants.
const BULK = `sv-${K}-bulk`;
const L = { eu1: `loc_sv_${K}_eu1`, eu2: `loc_sv_${K}_eu2`, us: `loc_sv_${K}_us`, many: `loc_sv_${K}_many` };
// The cost test's location: 30 variants of one unit each, the even-numbered 15 costed at EUR 1.00.
const MANY = Array.from({ length: 30 }, (_, i) => `var_sv_${K}_m${String(i).padStart(2, '0')}`);
const V = { a: `var_sv_${K}_a`, b: `var_sv_${K}_b`, c: `var_sv_${K}_c`, d: `var_sv_${K}_d` };
const sql = sqlClient();
const staff = { setup: '', eu: '', us: '', webUs: '', pricing: '' };

// Cost per unit: a EUR 12.50 from Jan 1 2019 and 15.00 from Mar 1; b USD 8.00 from Jan 1; c none ever;
// d EUR 2.00 from Feb 1 (so on Jan 31 it has none yet).
const COSTS = [
  { variantId: V.a, amount: 1250, currency: 'EUR', effectiveFrom: '2019-01-01T00:00:00Z' },
  { variantId: V.a, amount: 1500, currency: 'EUR', effectiveFrom: '2019-03-01T00:00:00Z' },
  { variantId: V.b, amount: 800, currency: 'USD', effectiveFrom: '2019-01-01T00:00:00Z' },
  { variantId: V.d, amount: 200, currency: 'EUR', effectiveFrom: '2019-02-01T00:00:00Z' },
  ...MANY.filter((_, i) => i % 2 === 0).map((variantId) => ({ variantId, amount: 100, currency: 'EUR', effectiveFrom: '2019-01-01T00:00:00Z' })),
];

// [when, location, variant, kind, units]: a SALE is written as the checkout's is (a RESERVATION holding the
// units, then the SALE taking them off hand and out of reserved).
type Entry = [string, string, string, 'RECEIPT' | 'SALE', number];
const LEDGER: Entry[] = [
  ['2019-01-05T09:00:00Z', L.eu1, V.a, 'RECEIPT', 10],
  ['2019-01-05T09:00:00Z', L.eu1, V.b, 'RECEIPT', 5],
  ['2019-01-05T09:00:00Z', L.eu1, V.c, 'RECEIPT', 3],
  ['2019-01-05T09:00:00Z', L.eu1, V.d, 'RECEIPT', 4],
  ['2019-01-05T09:00:00Z', L.us, V.b, 'RECEIPT', 7],
  ['2019-01-06T09:00:00Z', L.eu2, V.a, 'RECEIPT', 2],
  ['2019-01-20T12:00:00Z', L.eu1, V.a, 'SALE', 4],
  ['2019-01-20T12:00:00Z', L.eu1, V.b, 'SALE', 3],
  ['2019-01-25T12:00:00Z', L.us, V.b, 'SALE', 3],
  ['2019-02-10T12:00:00Z', L.eu1, V.a, 'SALE', 2],
  ['2019-02-10T12:00:00Z', L.eu1, V.c, 'SALE', 1],
  ['2019-02-15T09:00:00Z', L.eu1, V.a, 'RECEIPT', 6],
  ...MANY.map((variant): Entry => ['2019-01-05T09:00:00Z', L.many, variant, 'RECEIPT', 1]),
];
// Levels after the ledger: EU1 a 10-4-2+6 = 10, b 5-3 = 2, c 3-1 = 2, d 4; EU2 a 2; US b 7-3 = 4.

async function writeLedger() {
  await sql.begin(async (tx) => {
    for (const [at, location, variant, kind, units] of LEDGER) {
      const rows =
        kind === 'RECEIPT'
          ? [['RECEIPT', units, 0]]
          : [
              ['RESERVATION', 0, units],
              ['SALE', -units, -units],
            ];
      for (const [k, onHand, reserved] of rows)
        await tx`insert into stock.movements (variant_id, location_id, kind, delta_on_hand, delta_reserved, reason, actor, channel, created_at)
          values (${variant}, ${location}, ${k as string}, ${onHand as number}, ${reserved as number}, 'stock value test', 'test:stock-value',
            ${location === L.us ? US : EU}, ${at})`;
      const delta = kind === 'RECEIPT' ? units : -units;
      await tx`insert into stock.levels (variant_id, location_id) values (${variant}, ${location}) on conflict do nothing`;
      await tx`update stock.levels set on_hand = on_hand + ${delta} where variant_id = ${variant} and location_id = ${location}`;
    }
  });
}

beforeAll(async () => {
  for (const [code, currency, country] of [
    [EU, 'EUR', 'DE'],
    [US, 'USD', 'US'],
  ])
    await sql`insert into products.sales_channels (code, kind, name, currency, default_locale, locales, country, tax_mode)
      values (${code!}, 'B2C', ${code!}, ${currency!}, 'en-GB', ${['en-GB']}, ${country!}, 'INCLUSIVE')`;
  for (const [id, channel] of [
    [L.eu1, EU],
    [L.eu2, EU],
    [L.us, US],
    [L.many, BULK],
  ]) {
    await sql`insert into stock.locations (id, name, kind) values (${id!}, ${`Stock value ${id}`}, 'WAREHOUSE')`;
    await sql`insert into stock.channel_locations (channel, location_id) values (${channel!}, ${id!})`;
  }
  const [setup, eu, us, webUs, pricing] = await Promise.all([
    createStaff('sv-setup', ['pricing-admin', 'stock-admin'], ['*']),
    createStaff('sv-eu', ['report-viewer'], [EU]),
    createStaff('sv-us', ['report-viewer'], [US]),
    createStaff('sv-web-us', ['report-viewer', 'stock-admin', 'viewer'], ['web-us']),
    createStaff('sv-pricing', ['pricing-admin'], [EU]),
  ]);
  for (const [name, member] of Object.entries({ setup, eu, us, webUs, pricing })) staff[name as keyof typeof staff] = (await staffSession(member.email)).token;
  const costs = await bff('admin', 'SetCostPrices', { entries: COSTS }, { token: staff.setup });
  expect(costs.errors).toBeUndefined();
  await writeLedger();
  // Today's goods in at EU2, through the client path: 5 of d.
  const received = await bff(
    'admin',
    'ReceiveStock',
    { input: { variantId: V.d, locationId: L.eu2, quantity: 5, reason: 'stock value test' } },
    { token: staff.setup, channel: EU },
  );
  expect(data(received).receiveStock.onHand).toBe(5);
});

afterAll(async () => {
  await sql.end();
});

const eu = () => ({ token: staff.eu, channel: EU });
const us = () => ({ token: staff.us, channel: US });

describe('stockValue', () => {
  it('values units on hand now at the cost in force now, per cost currency, and lists variants without a cost', async () => {
    const value = data(await run('StockValue', { locationIds: [L.eu1, L.eu2] }, eu())).stockValue;
    expect(Math.abs(Date.parse(value.at) - Date.now())).toBeLessThan(5 * 60_000);
    expect(value.locations).toEqual([
      {
        location: { id: L.eu1, name: `Stock value ${L.eu1}` },
        // a 10 + b 2 + c 2 + d 4 = 18 units
        units: 18,
        values: [
          // a 10 x 15.00 = 150.00, d 4 x 2.00 = 8.00: EUR 158.00 over 14 units
          { value: { amount: 15800, currency: 'EUR' }, units: 14 },
          // b's cost is in USD: 2 x 8.00 = 16.00, never added to the euros
          { value: { amount: 1600, currency: 'USD' }, units: 2 },
        ],
        // c has no cost price: counted, not valued at zero
        unvaluedUnits: 2,
        unvalued: [{ variant: { id: V.c }, units: 2 }],
      },
      {
        location: { id: L.eu2, name: `Stock value ${L.eu2}` },
        // a 2 (January) + d 5 (received today) = 7 units; 2 x 15.00 + 5 x 2.00 = 30.00 + 10.00 = EUR 40.00
        units: 7,
        values: [{ value: { amount: 4000, currency: 'EUR' }, units: 7 }],
        unvaluedUnits: 0,
        unvalued: [],
      },
    ]);
  });

  it('values what was on hand at a past instant at the cost in force then', async () => {
    const value = data(await run('StockValue', { locationIds: [L.eu1], at: '2019-01-31T00:00:00Z' }, eu())).stockValue;
    expect(value.at).toBe('2019-01-31T00:00:00.000Z');
    // On Jan 31 at EU1: a 10-4 = 6, b 5-3 = 2, c 3, d 4 (the February sale and receipt not yet) = 15 units.
    // a at 12.50 (15.00 only from March): 6 x 12.50 = EUR 75.00; b 2 x 8.00 = USD 16.00; c never costed and
    // d not before Feb 1: 3 + 4 = 7 units unvalued.
    expect(value.locations).toEqual([
      {
        location: { id: L.eu1, name: `Stock value ${L.eu1}` },
        units: 15,
        values: [
          { value: { amount: 7500, currency: 'EUR' }, units: 6 },
          { value: { amount: 1600, currency: 'USD' }, units: 2 },
        ],
        unvaluedUnits: 7,
        unvalued: [
          { variant: { id: V.c }, units: 3 },
          { variant: { id: V.d }, units: 4 },
        ],
      },
    ]);
  });

  it('refuses an unknown location and an instant that is not one, before anything else', async () => {
    expect(codes(await run('StockValue', { locationIds: [`loc_sv_${K}_nowhere`] }, eu()))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run('StockValue', { locationIds: [L.eu1], at: 'last tuesday' }, eu()))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run('StockValue', { locationIds: [] }, eu()))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the cost of a stock value', () => {
  const QUERY = `query($ids: [ID!]!) { stockValue(locationIds: $ids) { locations { units unvaluedUnits values { value { amount currency } units } } } }`;
  // Signed as the admin BFF would for staff with report-viewer on EU and BULK.
  const staffOnEu = { staff: { id: `stf_t_sv_${K}`, roles: ['report-viewer' as const], channels: [EU, BULK] } };

  it('is the same SQL statements and prices calls for 30 variants as for 2', async () => {
    const count = async (ids: string[]) => {
      const res = await gateway('web-eu', QUERY, { ids }, staffOnEu);
      expect(res.errors).toBeUndefined();
      return { located: res.data.stockValue.locations[0], statements: res.extensions!.sqlStatements! };
    };
    const two = await count([L.eu2]);
    const thirty = await count([L.many]);
    // EU2: a 2 x 15.00 + d 5 x 2.00 = EUR 40.00. MANY: 15 costed x 1 unit x 1.00 = EUR 15.00, 15 unvalued.
    expect(two.located).toEqual({ units: 7, unvaluedUnits: 0, values: [{ value: { amount: 4000, currency: 'EUR' }, units: 7 }] });
    expect(thirty.located).toEqual({ units: 30, unvaluedUnits: 15, values: [{ value: { amount: 1500, currency: 'EUR' }, units: 15 }] });
    // Stock: the scope's channel locations, the locations asked, the holdings; prices: one lookup.
    expect(thirty.statements).toEqual(two.statements);
    expect(thirty.statements).toEqual({ prices: 1, stock: 3 });
  });
});

describe('sellThrough', () => {
  it('per variant and location: units sold in the period and sold / (sold + on hand at its end)', async () => {
    const lines = data(await run('SellThrough', { from: '2019-01-01T00:00:00Z', to: '2019-02-01T00:00:00Z' }, eu())).sellThrough;
    // Without locationIds: every location of the caller's channel (EU1, EU2), never US. In January:
    expect(lines).toEqual([
      // a at EU1: sold 4, left 10-4 = 6: 4 / 10 = 40.00 % = 4,000 bp
      { variant: { id: V.a }, location: { id: L.eu1 }, sold: 4, onHandAtEnd: 6, sellThroughBasisPoints: 4000 },
      // a at EU2: nothing sold, 2 held: 0 bp
      { variant: { id: V.a }, location: { id: L.eu2 }, sold: 0, onHandAtEnd: 2, sellThroughBasisPoints: 0 },
      // b at EU1: sold 3, left 2: 3 / 5 = 6,000 bp
      { variant: { id: V.b }, location: { id: L.eu1 }, sold: 3, onHandAtEnd: 2, sellThroughBasisPoints: 6000 },
      // c and d at EU1: nothing sold, 3 and 4 held
      { variant: { id: V.c }, location: { id: L.eu1 }, sold: 0, onHandAtEnd: 3, sellThroughBasisPoints: 0 },
      { variant: { id: V.d }, location: { id: L.eu1 }, sold: 0, onHandAtEnd: 4, sellThroughBasisPoints: 0 },
    ]);
  });

  it('counts only the period’s sales and the stock at its end, rounding half up', async () => {
    const lines = data(await run('SellThrough', { from: '2019-02-01T00:00:00Z', to: '2019-03-01T00:00:00Z', locationIds: [L.eu1] }, eu())).sellThrough;
    expect(lines).toEqual([
      // a: sold 2 in February, on hand at the end 10-4-2+6 = 10: 2 / 12 = 0.166667 -> 1,667 bp
      { variant: { id: V.a }, location: { id: L.eu1 }, sold: 2, onHandAtEnd: 10, sellThroughBasisPoints: 1667 },
      // b: nothing sold in February, 2 held
      { variant: { id: V.b }, location: { id: L.eu1 }, sold: 0, onHandAtEnd: 2, sellThroughBasisPoints: 0 },
      // c: sold 1, left 2: 1 / 3 = 0.33333 -> 3,333 bp
      { variant: { id: V.c }, location: { id: L.eu1 }, sold: 1, onHandAtEnd: 2, sellThroughBasisPoints: 3333 },
      { variant: { id: V.d }, location: { id: L.eu1 }, sold: 0, onHandAtEnd: 4, sellThroughBasisPoints: 0 },
    ]);
  });

  it('refuses a period that ends before it starts or runs past 366 days', async () => {
    expect(codes(await run('SellThrough', { from: '2019-02-01T00:00:00Z', to: '2019-01-01T00:00:00Z' }, eu()))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run('SellThrough', { from: '2019-01-01T00:00:00Z', to: '2020-01-03T00:00:00Z' }, eu()))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('only the locations of the staff member’s channels', () => {
  it('another channel’s staff see their own locations and are refused ours', async () => {
    // US staff without locationIds get US only: b sold 3 in January, 7-3 = 4 left: 3 / 7 = 0.428571 -> 4,286 bp.
    const mine = data(await run('SellThrough', { from: '2019-01-01T00:00:00Z', to: '2019-02-01T00:00:00Z' }, us())).sellThrough;
    expect(mine).toEqual([{ variant: { id: V.b }, location: { id: L.us }, sold: 3, onHandAtEnd: 4, sellThroughBasisPoints: 4286 }]);
    // US: b 4 x 8.00 = USD 32.00
    const value = data(await run('StockValue', { locationIds: [L.us] }, us())).stockValue;
    expect(value.locations[0].values).toEqual([{ value: { amount: 3200, currency: 'USD' }, units: 4 }]);
    // EU's locations, alone or beside their own: refused whole, with no figure.
    for (const locationIds of [[L.eu1], [L.us, L.eu2]]) {
      const refused = await run('StockValue', { locationIds }, us());
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.data?.stockValue ?? null).toBeNull();
      const sellThrough = await run('SellThrough', { from: '2019-01-01T00:00:00Z', to: '2019-02-01T00:00:00Z', locationIds }, us());
      expect(codes(sellThrough)).toEqual(['FORBIDDEN']);
    }
  });

  it('staff scoped to web-us cannot read web-eu’s stock value or sell-through', async () => {
    const auth = { token: staff.webUs, channel: 'web-us' };
    // Hamburg sells for web-eu and trade-eu only; New Jersey for web-us (the demo's bindings).
    expect(codes(await run('StockValue', { locationIds: ['loc_wh_hamburg'] }, auth))).toEqual(['FORBIDDEN']);
    expect(codes(await run('SellThrough', { from: '2019-01-01T00:00:00Z', to: '2019-02-01T00:00:00Z', locationIds: ['loc_wh_hamburg'] }, auth))).toEqual([
      'FORBIDDEN',
    ]);
    // Asking in web-eu, a channel not theirs, is refused at the door.
    expect(codes(await run('StockValue', { locationIds: ['loc_wh_hamburg'] }, { token: staff.webUs, channel: 'web-eu' }))).toEqual(['FORBIDDEN']);
    // Their own warehouse answers (whatever other files hold there): one location, New Jersey.
    const own = data(await run('StockValue', { locationIds: ['loc_wh_newjersey'] }, auth)).stockValue;
    expect(own.locations.map((l: { location: { id: string } }) => l.location.id)).toEqual(['loc_wh_newjersey']);
  });

  it('a role that does not read stock is refused', async () => {
    expect(codes(await run('StockValue', { locationIds: [L.eu1] }, { token: staff.pricing, channel: EU }))).toEqual(['FORBIDDEN']);
    expect(codes(await run('SellThrough', { from: '2019-01-01T00:00:00Z', to: '2019-02-01T00:00:00Z' }, { token: staff.pricing, channel: EU }))).toEqual([
      'FORBIDDEN',
    ]);
  });
});
