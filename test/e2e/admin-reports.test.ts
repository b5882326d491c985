import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { bff, sqlClient } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { data, key, op, readyCart, sellable, testIdentity } from './checkout-support.ts';
import { type Fixture, writeHistoricOrder } from './report-support.ts';

/**
 * Sales reports from the read model, through the admin BFF by name. The history is this file's own: two
 * channels that exist only here (rpt-<k>-eu in EUR, rpt-<k>-xt in XTS, ISO 4217's code for tests) with orders
 * placed in January and February 2019, written as the order book writes them (order, lines, an order.placed
 * outbox row, already published so no webhook receiver gets it) because no client can place an order in the
 * past. The EUR->XTS rates are this file's too: 2 from 2019-01-01, 4 from 2019-01-15, none before. Every
 * expected figure below is worked out by hand from the table in `HISTORY`.
 */
const run = adminWalk('reports');
const K = Math.random().toString(36).slice(2, 8);
const EU = `rpt-${K}-eu`;
const XT = `rpt-${K}-xt`;
const LATE = `rpt-${K}-late`;
const RAND = `rpt-${K}-rand`;
const V = { a: `var_rpt_${K}_a`, b: `var_rpt_${K}_b`, c: `var_rpt_${K}_c` };
const sql = sqlClient();
const staff = { viewer: '', narrow: '', admin: '', fx: '' };

// Line: [variant, quantity, line total]. Units, rates and conversions are in the expectations below.
const HISTORY: Fixture[] = [
  {
    id: 'e1',
    channel: EU,
    currency: 'EUR',
    at: '2019-01-10T09:00:00Z',
    // paid by card: 1.40 % of 35.00 = 0.49 (ORDERS_PAYMENT_FEES in the test system)
    provider: 'card',
    subtotal: 3000,
    discount: 0,
    shipping: 500,
    tax: 500,
    total: 3500,
    lines: [
      [V.a, 2, 2000],
      [V.b, 1, 1000],
    ],
  },
  {
    id: 'e2',
    channel: EU,
    currency: 'EUR',
    at: '2019-01-11T12:00:00Z',
    status: 'CANCELLED',
    subtotal: 9000,
    discount: 0,
    shipping: 999,
    tax: 0,
    total: 9999,
    lines: [[V.a, 9, 9000]],
  },
  {
    id: 'e3',
    channel: EU,
    currency: 'EUR',
    at: '2019-02-05T10:00:00Z',
    subtotal: 1000,
    discount: 0,
    shipping: 0,
    tax: 160,
    total: 1000,
    lines: [[V.b, 1, 1000]],
  },
  {
    id: 'x1',
    channel: XT,
    currency: 'XTS',
    at: '2019-01-10T15:00:00Z',
    subtotal: 1100,
    discount: 100,
    shipping: 0,
    tax: 100,
    total: 1000,
    lines: [[V.a, 1, 1000]],
  },
  {
    id: 'x2',
    channel: XT,
    currency: 'XTS',
    at: '2019-01-20T08:00:00Z',
    subtotal: 2000,
    discount: 0,
    shipping: 400,
    tax: 200,
    total: 2400,
    lines: [[V.c, 4, 2000]],
  },
  { id: 'x3', channel: XT, currency: 'XTS', at: '2018-12-31T23:00:00Z', subtotal: 700, discount: 0, shipping: 0, tax: 0, total: 700, lines: [[V.c, 1, 700]] },
];

/** One order of this file's history (`K` makes its id and number its own). */
const writeOrder = (tx: Parameters<typeof writeHistoricOrder>[0], n: number, o: Fixture) => writeHistoricOrder(tx, K, n, o);

async function writeHistory() {
  for (const [n, o] of HISTORY.entries()) await sql.begin((tx) => writeOrder(tx, n, o));
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const xts = (amount: number) => ({ amount, currency: 'XTS' });
function fig(
  m: (n: number) => { amount: number; currency: string },
  f: {
    orders: number;
    cancelled?: number;
    unconverted?: number;
    units: number;
    gross: number;
    discounts: number;
    shipping: number;
    tax: number;
    total: number;
    aov: number;
    cost?: number;
    fees?: number;
    uncosted?: number;
  },
) {
  const net = f.total - f.tax;
  return {
    orders: f.orders,
    cancelledOrders: f.cancelled ?? 0,
    unconvertedOrders: f.unconverted ?? 0,
    units: f.units,
    gross: m(f.gross),
    discounts: m(f.discounts),
    shipping: m(f.shipping),
    tax: m(f.tax),
    refunds: m(0),
    total: m(f.total),
    netRevenue: m(net),
    averageOrderValue: m(f.aov),
    costOfGoods: m(f.cost ?? 0),
    paymentFees: m(f.fees ?? 0),
    grossMargin: m(net - (f.cost ?? 0)),
    netProfit: m(net - (f.cost ?? 0) - (f.fees ?? 0)),
    uncostedLines: f.uncosted ?? 0,
  };
}

/** Asks until the projector has caught up with `ready` (it runs about once a second). */
async function untilReport(auth: { token: string; channel: string }, input: object, ready: (r: any) => boolean) {
  let last: any;
  for (let i = 0; i < 100; i++) {
    last = await run('SalesReport', { input }, auth);
    if (!last.errors && ready(last.data.salesReport)) return last.data.salesReport;
    await sleep(150);
  }
  throw new Error(`the report never caught up: ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  const [viewer, narrow, admin, fx] = await Promise.all([
    createStaff('reports-viewer', ['report-viewer'], ['web-eu', EU, XT, LATE, RAND]),
    createStaff('reports-narrow', ['report-viewer'], ['web-us']),
    createStaff('reports-admin', ['staff-admin', 'report-viewer'], ['*']),
    createStaff('reports-fx', ['pricing-admin'], ['*']),
  ]);
  staff.viewer = (await staffSession(viewer.email)).token;
  staff.narrow = (await staffSession(narrow.email)).token;
  staff.admin = (await staffSession(admin.email)).token;
  const fxToken = (await staffSession(fx.email)).token;
  staff.fx = fxToken;
  for (const [rate, from] of [
    ['2', '2019-01-01T00:00:00Z'],
    ['4', '2019-01-15T00:00:00Z'],
  ]) {
    const set = await bff('admin', 'SetFxRate', { input: { baseCurrency: 'EUR', quoteCurrency: 'XTS', rate, effectiveFrom: from } }, { token: fxToken });
    expect(set.errors).toBeUndefined();
  }
  // What variants cost from 2019 on (V.c has no cost: its lines count as uncosted).
  const costs = await run(
    'SetCostPrices',
    {
      entries: [
        { variantId: V.a, amount: 500, currency: 'EUR', effectiveFrom: '2019-01-01T00:00:00Z' },
        { variantId: V.b, amount: 300, currency: 'EUR', effectiveFrom: '2019-01-01T00:00:00Z' },
      ],
    },
    { token: fxToken },
  );
  expect(costs.errors).toBeUndefined();
  expect(costs.data!.setCostPrices.map((c: any) => [c.variantId, c.cost, c.effectiveFrom])).toEqual([
    [V.a, eur(500), '2019-01-01T00:00:00.000Z'],
    [V.b, eur(300), '2019-01-01T00:00:00.000Z'],
  ]);
  await writeHistory();
}, 60_000);

afterAll(async () => {
  await sql.end();
});

describe('sales reports', () => {
  it('reports per month and channel, in each channel’s currency and in EUR at the rate of each order’s day', async () => {
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const input = { channels: [XT, EU], from: '2019-01-01', to: '2019-03-01', period: 'MONTH' };
    const report = await untilReport(auth, input, (r) => r.totals.orders === 4);
    expect(report).toMatchObject({ reportingCurrency: 'EUR', period: 'MONTH', from: '2019-01-01', to: '2019-03-01', channels: [EU, XT] });
    const januaryEu = fig(eur, {
      orders: 1,
      cancelled: 1,
      units: 3,
      gross: 3000,
      discounts: 0,
      shipping: 500,
      tax: 500,
      total: 3500,
      aov: 3500,
      cost: 1300,
      fees: 49,
    });
    const februaryEu = fig(eur, { orders: 1, units: 1, gross: 1000, discounts: 0, shipping: 0, tax: 160, total: 1000, aov: 1000, cost: 300 });
    expect(report.rows).toEqual([
      { periodStart: '2019-01-01', channel: EU, figures: januaryEu, reporting: januaryEu },
      {
        periodStart: '2019-01-01',
        channel: XT,
        // x1 at 1 XTS = 0.5 EUR (2 from Jan 1st), x2 at 0.25 EUR (4 from Jan 15th)
        figures: fig(xts, { orders: 2, units: 5, gross: 3100, discounts: 100, shipping: 400, tax: 300, total: 3400, aov: 1700, cost: 1000, uncosted: 1 }),
        reporting: fig(eur, {
          orders: 2,
          units: 5,
          gross: 550 + 500,
          discounts: 50,
          shipping: 100,
          tax: 50 + 50,
          total: 500 + 600,
          aov: 550,
          cost: 500,
          uncosted: 1,
        }),
      },
      { periodStart: '2019-02-01', channel: EU, figures: februaryEu, reporting: februaryEu },
    ]);
    expect(report.totals).toEqual(
      fig(eur, {
        orders: 4,
        cancelled: 1,
        units: 9,
        gross: 5050,
        discounts: 50,
        shipping: 600,
        tax: 760,
        total: 5600,
        aov: 1400,
        cost: 2100,
        fees: 49,
        uncosted: 1,
      }),
    );
  });

  it('consolidates days across channels, and counts an order placed before any rate as unconverted', async () => {
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const input = { channels: [EU, XT], from: '2018-12-31', to: '2019-01-11', period: 'DAY', byChannel: false };
    const report = await untilReport(auth, input, (r) => r.totals.orders === 3);
    expect(report.rows).toEqual([
      {
        periodStart: '2018-12-31',
        channel: null,
        figures: null,
        reporting: fig(eur, { orders: 1, unconverted: 1, units: 1, gross: 0, discounts: 0, shipping: 0, tax: 0, total: 0, aov: 0, uncosted: 1 }),
      },
      {
        periodStart: '2019-01-10',
        channel: null,
        figures: null,
        reporting: fig(eur, { orders: 2, units: 4, gross: 3550, discounts: 50, shipping: 500, tax: 550, total: 4000, aov: 2000, cost: 1800, fees: 49 }),
      },
    ]);
    // 4000 over the 2 converted orders (the unconverted one adds 0 to the total and is not averaged)
    expect(report.totals).toEqual(
      fig(eur, {
        orders: 3,
        unconverted: 1,
        units: 5,
        gross: 3550,
        discounts: 50,
        shipping: 500,
        tax: 550,
        total: 4000,
        aov: 2000,
        cost: 1800,
        fees: 49,
        uncosted: 1,
      }),
    );
  });

  it('groups channels into a region (staff-admin only) and reports it by ISO week', async () => {
    const region = `rpt-${K}`;
    const refused = await run('SetReportRegion', { region, channels: [EU, XT] }, { token: staff.viewer, channel: 'web-eu' });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    const set = data(await run('SetReportRegion', { region, channels: [XT, EU, XT] }, { token: staff.admin, channel: 'web-eu' })).setReportRegion;
    expect(set).toEqual({ id: region, channels: [EU, XT] });
    const regions = data(await run('ReportRegions', {}, { token: staff.viewer, channel: 'web-eu' })).reportRegions;
    expect(regions).toContainEqual({ id: region, channels: [EU, XT] });
    // Of the demo regions, only the channels this viewer reads: web-eu of europe, nothing of americas.
    expect(regions).toContainEqual({ id: 'europe', channels: ['web-eu'] });
    expect(regions.map((r: { id: string }) => r.id)).not.toContain('americas');

    // x2 on Sunday 2019-01-20 belongs to the week from Monday the 14th.
    const input = { region, from: '2019-01-14', to: '2019-01-28', period: 'WEEK', byChannel: false };
    const report = await untilReport({ token: staff.viewer, channel: 'web-eu' }, input, (r) => r.totals.orders === 1);
    expect(report.channels).toEqual([EU, XT]);
    expect(report.rows).toEqual([
      {
        periodStart: '2019-01-14',
        channel: null,
        figures: null,
        reporting: fig(eur, { orders: 1, units: 4, gross: 500, discounts: 0, shipping: 100, tax: 50, total: 600, aov: 600, uncosted: 1 }),
      },
    ]);
  });

  it('ranks variants by sales in EUR, cancelled orders left out', async () => {
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const input = { channels: [EU, XT], from: '2019-01-01', to: '2019-03-01' };
    await untilReport(auth, { ...input, period: 'MONTH' }, (r) => r.totals.orders === 4);
    const top = data(await run('TopProducts', { input, first: 10 }, auth)).topProducts;
    expect(top).toEqual([
      { variantId: V.a, sku: V.a.toUpperCase(), units: 3, orders: 2, sales: eur(2000 + 500) },
      { variantId: V.b, sku: V.b.toUpperCase(), units: 2, orders: 2, sales: eur(2000) },
      { variantId: V.c, sku: V.c.toUpperCase(), units: 4, orders: 1, sales: eur(500) },
    ]);
    const first = data(await run('TopProducts', { input, first: 1 }, auth)).topProducts;
    expect(first.map((t: { variantId: string }) => t.variantId)).toEqual([V.a]);
    // From 15 January: February is a whole month (read from the monthly sums), 15-31 January are edge days (read
    // from the line facts). x2 (20 Jan: 4 x V.c, 2000 XTS = 5.00 EUR) and e3 (5 Feb: 1 x V.b, 10.00 EUR) count;
    // e1 and x1 (10 Jan) do not, so V.a is not ranked at all.
    const edged = data(await run('TopProducts', { input: { ...input, from: '2019-01-15' }, first: 10 }, auth)).topProducts;
    expect(edged).toEqual([
      { variantId: V.b, sku: V.b.toUpperCase(), units: 1, orders: 1, sales: eur(1000) },
      { variantId: V.c, sku: V.c.toUpperCase(), units: 4, orders: 1, sales: eur(500) },
    ]);
  });

  it('lets only pricing admins of every channel set cost prices, and refuses a negative cost, writing nothing', async () => {
    const viewer = await run('SetCostPrices', { entries: [{ variantId: V.c, amount: 100, currency: 'EUR' }] }, { token: staff.viewer, channel: 'web-eu' });
    expect(codes(viewer)).toEqual(['FORBIDDEN']);
    const negative = await run(
      'SetCostPrices',
      {
        entries: [
          { variantId: V.c, amount: 100, currency: 'EUR' },
          { variantId: V.c, amount: -1, currency: 'EUR', effectiveFrom: '2019-01-02T00:00:00Z' },
        ],
      },
      { token: staff.fx },
    );
    expect(codes(negative)).toEqual(['BAD_USER_INPUT']);
    // Beyond 2^53 the MinorUnits scalar of prices refuses it: a client error through the gateway, not a 500.
    const huge = await run('SetCostPrices', { entries: [{ variantId: V.c, amount: 10 ** 18, currency: 'EUR' }] }, { token: staff.fx });
    expect(codes(huge)).toEqual(['BAD_USER_INPUT']);
    expect(negative.errors![0]!.extensions!.argument).toBe('entries[1].amount');
    expect(await sql`select 1 from prices.cost_prices where variant_id = ${V.c}`).toEqual([]);
  });

  it('refuses channels the staff member holds no report-viewer on, and bad dates, with stable codes', async () => {
    const narrow = { token: staff.narrow, channel: 'web-us' };
    const foreign = await run('SalesReport', { input: { channels: [EU], from: '2019-01-01', to: '2019-03-01' } }, narrow);
    expect(codes(foreign)).toEqual(['FORBIDDEN']);
    expect(foreign.data).toBeNull();
    // No channels asked: their own channels only.
    const own = data(await run('SalesReport', { input: { from: '2019-01-01', to: '2019-03-01' } }, narrow)).salesReport;
    expect(own.channels).toEqual(['web-us']);
    expect(own.rows).toEqual([]);
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const badDay = await run('SalesReport', { input: { channels: [EU], from: '2019-02-30', to: '2019-03-01' } }, auth);
    expect(codes(badDay)).toEqual(['BAD_USER_INPUT']);
    expect(badDay.errors![0]!.extensions!.argument).toBe('input.from');
    const backwards = await run('SalesReport', { input: { channels: [EU], from: '2019-03-01', to: '2019-02-01' } }, auth);
    expect(codes(backwards)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the projector and the outbox', () => {
  it('never passes an order whose transaction is still open: it waits for it, and then projects it', async () => {
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const input = { channels: [LATE], from: '2019-03-01', to: '2019-04-01', period: 'MONTH' };
    const order = (id: string, total: number, day: string, variant: string): Fixture => ({
      id,
      channel: LATE,
      currency: 'EUR',
      at: `2019-03-${day}T10:00:00Z`,
      subtotal: total,
      discount: 0,
      shipping: 0,
      tax: 0,
      total,
      lines: [[variant, 1, total]],
    });
    // An order committed before anything else happens: the projector must get to it.
    await sql.begin((tx) => writeOrder(tx, 100, order('l0', 100, '09', V.b)));
    // The slow order takes its outbox id and holds its transaction open; a later one commits meanwhile.
    const held = await sql.reserve();
    let open = false;
    try {
      await held`begin`;
      open = true;
      await writeOrder(held, 101, order('l1', 700, '10', V.a));
      await sql.begin((tx) => writeOrder(tx, 102, order('l2', 300, '10', V.b)));
      // l0 is projected; l2 committed after l1 took its id and is held back with it (never skipped past it).
      const before = await untilReport(auth, input, (r) => r.totals.orders >= 1);
      expect(before.totals.total).toEqual(eur(100));
      await held`commit`;
      open = false;
    } finally {
      if (open) await held`rollback`.catch(() => undefined);
      held.release();
    }
    const after = await untilReport(auth, input, (r) => r.totals.orders === 3);
    expect(after.totals).toEqual(
      fig(eur, { orders: 3, units: 3, gross: 1100, discounts: 0, shipping: 0, tax: 0, total: 1100, aov: 367, cost: 300 + 500 + 300 }),
    );
  });
});

describe('consistency', () => {
  it('equals the sums over its orders for random history, also after orders are cancelled once projected', async () => {
    // 60 orders on random days of March 2020 with random amounts; the expectation is summed here, order by order.
    const rand = (n: number) => Math.floor(Math.random() * n);
    const orders: Fixture[] = Array.from({ length: 60 }, (_, i) => {
      const subtotal = 100 + rand(100_000);
      const discount = rand(Math.floor(subtotal / 3));
      const shipping = rand(2) * 490;
      const total = subtotal - discount + shipping;
      return {
        id: `r${i}`,
        channel: RAND,
        currency: 'EUR',
        at: `2020-03-${String(1 + rand(31)).padStart(2, '0')}T${String(rand(24)).padStart(2, '0')}:30:00Z`,
        subtotal,
        discount,
        shipping,
        tax: Math.floor(total / 10),
        total,
        lines: [[V.a, 1 + rand(5), subtotal]],
      };
    });
    for (const [n, o] of orders.entries()) await sql.begin((tx) => writeOrder(tx, 200 + n, o));
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const input = { channels: [RAND], from: '2020-03-01', to: '2020-04-01', period: 'WEEK' };
    const expected = (list: Fixture[]) => {
      const sum = (f: (o: Fixture) => number) => list.reduce((s, o) => s + f(o), 0);
      const total = sum((o) => o.total);
      return fig(eur, {
        orders: list.length,
        cancelled: orders.length - list.length,
        units: sum((o) => o.lines[0]![1]),
        gross: sum((o) => o.subtotal),
        discounts: sum((o) => o.discount),
        shipping: sum((o) => o.shipping),
        tax: sum((o) => o.tax),
        total,
        aov: Math.round(total / list.length),
        cost: sum((o) => 500 * o.lines[0]![1]),
      });
    };
    const first = await untilReport(auth, input, (r) => r.totals.orders === orders.length);
    expect(first.totals).toEqual(expected(orders));
    // The weeks add up to the totals.
    expect(first.rows.reduce((s: number, r: any) => s + r.figures.total.amount, 0)).toBe(first.totals.total.amount);

    // Five are cancelled after they were projected, as the order book cancels (status, version, order.cancelled).
    const cancelled = orders.slice(0, 5);
    for (const o of cancelled) {
      const id = `ord_rpt_${K}_${o.id}`;
      await sql.begin(async (tx) => {
        const [row] = await tx`update orders.orders set status = 'CANCELLED', version = version + 1 where id = ${id} returning number, version`;
        await tx`insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data, published_at)
          values ('order.cancelled', ${RAND}, ${id}, ${row!.version}, ${tx.json({ orderId: id, number: row!.number, channel: RAND, reason: 'test', from: 'PROCESSING' })}, now())`;
      });
    }
    const after = await untilReport(auth, input, (r) => r.totals.cancelledOrders === 5);
    expect(after.totals).toEqual(expected(orders.slice(5)));
    // The ranking agrees, over the whole month (monthly sums) and from the 10th (edge days from the line facts):
    // every order sells V.a, for its subtotal in EUR.
    const from10 = orders.slice(5).filter((o) => o.at >= '2020-03-10');
    const topOf = (list: Fixture[]) => [
      {
        variantId: V.a,
        sku: V.a.toUpperCase(),
        units: list.reduce((s, o) => s + o.lines[0]![1], 0),
        orders: list.length,
        sales: eur(list.reduce((s, o) => s + o.subtotal, 0)),
      },
    ];
    expect(from10.length).toBeGreaterThan(0);
    const top = (from: string) => run('TopProducts', { input: { channels: [RAND], from, to: '2020-04-01' }, first: 5 }, auth).then((r) => data(r).topProducts);
    expect(await top('2020-03-01')).toEqual(topOf(orders.slice(5)));
    expect(await top('2020-03-10')).toEqual(topOf(from10));
  });
});

describe('live from the order book', () => {
  const shopper = testIdentity('reports-live');

  it('projects a storefront order into the report within seconds', async () => {
    const variantId = await sellable({ eur: 1234, stock: 5, channels: ['web-eu'] });
    const cart = await readyCart('b2c', shopper, [{ variantId, quantity: 2 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('reports'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const input = { channels: ['web-eu'], from: day(-1), to: day(2) };
    const auth = { token: staff.viewer, channel: 'web-eu' };
    let top: any[] = [];
    for (let i = 0; i < 100 && top.length === 0; i++) {
      top = data(await run('TopProducts', { input, variantIds: [variantId], first: 5 }, auth)).topProducts;
      if (top.length === 0) await sleep(150);
    }
    // 2 x 12.34 EUR in a tax-inclusive channel with no promotion on this product.
    expect(top).toEqual([{ variantId, sku: expect.any(String), units: 2, orders: 1, sales: eur(2468) }]);
  });
});
