import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { eur, fig, reportNames, reportStaff, setReportCosts, untilReport as until, xts } from './admin-reports-support.ts';
import { data } from './checkout-support.ts';
import { type Fixture, writeHistoricOrder } from './report-support.ts';

/**
 * Sales reports from the read model, through the admin BFF by name (this file is the reports walk). The history
 * is this file's own: two channels that exist only here (rpt-<k>-eu in EUR, rpt-<k>-xt in XTS, ISO 4217's code
 * for tests) with orders placed in January and February 2019, written as the order book writes them (order,
 * lines, an order.placed outbox row, already published so no webhook receiver gets it) because no client can
 * place an order in the past. The EUR->XTS rates are this file's too: 2 from 2019-01-01, 4 from 2019-01-15,
 * none before. Every expected figure below is worked out by hand from the table in `HISTORY`. Refusals are
 * admin-reports-access.test.ts; the projector's own guarantees admin-reports-projector.test.ts.
 */
const run = adminWalk('reports');
const names = reportNames();
const { K, EU, XT, V } = names;
const sql = sqlClient();
const staff = { viewer: '', admin: '' };
const untilReport = (auth: { token: string; channel: string }, input: object, ready: (r: any) => boolean) => until(run, auth, input, ready);

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

beforeAll(async () => {
  const tokens = await reportStaff(names, ['viewer', 'admin', 'fx']);
  staff.viewer = tokens.viewer;
  staff.admin = tokens.admin;
  for (const [rate, from] of [
    ['2', '2019-01-01T00:00:00Z'],
    ['4', '2019-01-15T00:00:00Z'],
  ]) {
    const set = await bff('admin', 'SetFxRate', { input: { baseCurrency: 'EUR', quoteCurrency: 'XTS', rate, effectiveFrom: from } }, { token: tokens.fx });
    expect(set.errors).toBeUndefined();
  }
  await setReportCosts(run, tokens.fx, V);
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
});
