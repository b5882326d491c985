import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { sqlClient, system } from '../support/clients.ts';
import { createStaff, STAFF_PASSWORD } from './admin-support.ts';
import { type Fixture, writeHistoricOrder } from './report-support.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER && !process.env.CI) {
  console.warn(`[test] skipping the dashboard browser test: no Chromium at ${CHROMIUM} (see graphiql.test.ts).`);
}

/**
 * The staff dashboard in headless Chromium, as a staff member uses it: sign in on the page, pick a range, read
 * the figures and charts, export CSV. Its data is this file's own: a channel that exists only here with two
 * orders in May 2019 (report-support.ts). By hand, in EUR minor units:
 *   d1 2019-05-02: V1 2 x = 1800, V2 1 x = 700; total 2500, tax 400 -> net 2100
 *   d2 2019-05-03: V2 3 x = 1500;              total 1500, tax 240 -> net 1260
 *   orders 2, net 3360 (€33.60), average order (2500 + 1500) / 2 = 2000 (€20.00), units 6, total €40.00
 *   top: V2 2200 (4 units, 2 orders), V1 1800 (2 units, 1 order)
 */
const K = Math.random().toString(36).slice(2, 8);
const CH = `dash-${K}`;
const V1 = `var_dash_${K}_1`;
const V2 = `var_dash_${K}_2`;
const base = { channel: CH, currency: 'EUR', discount: 0, shipping: 0 };
const HISTORY: Fixture[] = [
  {
    ...base,
    id: 'd1',
    at: '2019-05-02T10:00:00Z',
    subtotal: 2500,
    tax: 400,
    total: 2500,
    lines: [
      [V1, 2, 1800],
      [V2, 1, 700],
    ],
  },
  { ...base, id: 'd2', at: '2019-05-03T10:00:00Z', subtotal: 1500, tax: 240, total: 1500, lines: [[V2, 3, 1500]] },
];

describe.skipIf(!HAVE_BROWSER && !process.env.CI)('the staff dashboard, offline', () => {
  const sql = sqlClient();
  let email = '';
  let browser: Browser;
  beforeAll(async () => {
    for (const [n, o] of HISTORY.entries()) await sql.begin((tx) => writeHistoricOrder(tx, K, n, o));
    email = (await createStaff('dashboard', ['report-viewer'], ['web-eu', CH])).email;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sql.end();
  });

  it('is one page with a strict policy and no data in it', async () => {
    const res = await fetch(`${system().admin.replace(/\/graphql$/, '')}/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/script-src 'sha256-[^']+' 'sha256-[^']+'$|script-src 'sha256-[^']+' 'sha256-[^']+';/);
    const html = await res.text();
    expect(html).toContain('<form id="signin">');
    expect(html).not.toContain(CH);
  });

  it('signs in, shows the range’s figures, charts and best sellers, and exports them as CSV, asking nothing of other origins', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const origin = new URL(system().admin).origin;
    const foreign: string[] = [];
    const problems: string[] = [];
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
    });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${origin}/dashboard`, { waitUntil: 'load' });
    await page.fill('#email', email);
    await page.fill('#password', STAFF_PASSWORD);
    await page.click('#signin button[type=submit]');
    await page.locator('#board').waitFor({ state: 'visible', timeout: 20_000 });
    await expect.poll(() => page.textContent('#who')).toContain(`web-eu, ${CH}`);
    expect(await page.isVisible('#signin')).toBe(false);

    await page.fill('#from', '2019-05-01');
    await page.fill('#to', '2019-06-01');
    await page.selectOption('#period', 'DAY');
    // The projector is about a second behind the order book: show again until both orders are in.
    await expect
      .poll(
        async () => {
          await page.click('#range button[type=submit]');
          await page.waitForFunction(() => document.getElementById('status')?.textContent !== 'loading…');
          return page.textContent('#status');
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBe('2 rows from 2019-05-01 to 2019-06-01');

    const cards = await page.locator('#cards .card').allTextContents();
    // No cost prices for these variants and no payment provider: net profit is net revenue.
    expect(cards).toEqual(['Orders2', 'Net revenue€33.60', 'Net profit€33.60', 'Average order€20.00', 'Cancelled0']);
    const rows = (selector: string) => page.locator(`${selector} tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(await rows('#channels')).toEqual([
      ['Channel', 'Orders', 'Units', 'Total (EUR)', 'Net revenue (EUR)'],
      [CH, '2', '6', '€40.00', '€33.60'],
    ]);
    expect(await rows('#top')).toEqual([
      ['SKU', 'Units', 'Orders', 'Sales (EUR)'],
      [V2.toUpperCase(), '4', '2', '€22.00'],
      [V1.toUpperCase(), '2', '1', '€18.00'],
    ]);
    // Two uPlot charts, each drawn on a canvas, titled.
    expect(await page.locator('.uplot canvas').count()).toBe(2);
    expect(await page.locator('.uplot .u-title').allTextContents()).toEqual(['Net revenue per channel (EUR)', 'Orders per channel']);

    const [sales] = await Promise.all([page.waitForEvent('download'), page.click('#csv-sales')]);
    expect(sales.suggestedFilename()).toBe('sales-2019-05-01-2019-06-01.csv');
    expect((await readFile((await sales.path())!, 'utf8')).trim().split('\n')).toEqual([
      'period_start,channel,currency,orders,cancelled_orders,units,gross,discounts,shipping,tax,refunds,total,net_revenue,reporting_currency,reporting_total,reporting_net_revenue',
      `2019-05-02,${CH},EUR,1,0,3,2500,0,0,400,0,2500,2100,EUR,2500,2100`,
      `2019-05-03,${CH},EUR,1,0,3,1500,0,0,240,0,1500,1260,EUR,1500,1260`,
    ]);
    const [top] = await Promise.all([page.waitForEvent('download'), page.click('#csv-top')]);
    expect((await readFile((await top.path())!, 'utf8')).trim().split('\n')).toEqual([
      'variant_id,sku,units,orders,sales,currency',
      `${V2},${V2.toUpperCase()},4,2,2200,EUR`,
      `${V1},${V1.toUpperCase()},2,1,1800,EUR`,
    ]);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);
});
