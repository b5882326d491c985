import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bff, system } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { HAMBURG, MUNICH, priceVariant, receive } from './stock-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { testCustomer } from './checkout-support.ts';
import { CHROMIUM, countingHop, launchBrowser, serveStorefront } from './storefront-support.ts';

const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER && !process.env.CI) {
  console.warn(`[test] skipping the storefront browser test: no Chromium at ${CHROMIUM} (see graphiql.test.ts).`);
}

/**
 * The example Next.js storefront (examples/storefront-next) in headless Chromium against the test system's
 * production-mode B2C BFF, as a shopper uses it: catalogue, guest checkout and the catalogue cache (customer
 * pages: storefront-next-account.test.ts; crossing markets: storefront-next-markets.test.ts). The products are this file's own, named with a word only
 * this run uses so the search finds exactly them:
 *   both  (web-eu + web-us): size S 25.00 EUR / 27.00 USD, size M 30.00 EUR / 33.00 USD; 10 in Hamburg and
 *         in New Jersey each, and S 3 at the Munich shop
 *   euOnly (web-eu): 19.00 EUR;  usOnly (web-us): 100.00 USD;  trade (trade-eu only): 50.00 EUR
 */
const NEW_JERSEY = 'loc_wh_newjersey';
const K = `sf${Math.random().toString(36).slice(2, 8)}`;
/** Text as a shopper reads it: Intl puts a no-break space before €, and JSX spacing doubles some spaces. */
const text = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!HAVE_BROWSER && !process.env.CI)('the example Next.js storefront', () => {
  let browser: Browser;
  let shop: Awaited<ReturnType<typeof serveStorefront>>;
  const p = { both: '', euOnly: '', usOnly: '', trade: '' };
  const v = { bothS: '', bothM: '', usOnly: '' };
  const foreign: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    const make = async (name: string, channels: string[], variants = 1) => createTestProduct({ name: `${K} ${name}`, channels, variants });
    const [both, euOnly, usOnly, trade] = await Promise.all([
      make('jacket', ['web-eu', 'web-us'], 2),
      make('scarf', ['web-eu']),
      make('boots', ['web-us']),
      make('bulk pack', ['trade-eu']),
    ]);
    Object.assign(p, { both: both.slug, euOnly: euOnly.slug, usOnly: usOnly.slug, trade: trade.slug });
    Object.assign(v, { bothS: both.variants[0]!.id, bothM: both.variants[1]!.id, usOnly: usOnly.variants[0]!.id });
    await priceVariant(v.bothS, { eur: 2500, usd: 2700 });
    await priceVariant(v.bothM, { eur: 3000, usd: 3300 });
    await priceVariant(euOnly.variants[0]!.id, { eur: 1900 });
    await priceVariant(v.usOnly, { usd: 10_000 });
    await priceVariant(trade.variants[0]!.id, { eur: 5000 });
    for (const id of [v.bothS, v.bothM, euOnly.variants[0]!.id, v.usOnly, trade.variants[0]!.id]) await receive(id, HAMBURG, 10);
    await receive(v.bothS, MUNICH, 3);
    // web-us sells from the New Jersey warehouse.
    for (const id of [v.bothS, v.bothM, v.usOnly]) await receive(id, NEW_JERSEY, 10);
    shop = await serveStorefront(system().b2c);
    console.log(`[storefront] next build: ${shop.builtInSeconds ? `${shop.builtInSeconds} s` : 'reused (sources unchanged)'}`);
    browser = await launchBrowser();
    // next build takes 35 s on two idle cores and about 2 minutes beside the rest of the suite on CI.
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on('request', (req) => {
      if (!req.url().startsWith(shop.url)) foreign.push(req.url());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    return page;
  }

  const slugs = (page: Page) => page.locator('#products .product').evaluateAll((els) => els.map((e) => e.getAttribute('data-slug')).sort());
  const prices = (page: Page) => page.locator('#products .product .price').evaluateAll((els) => els.map((e) => e.getAttribute('data-price')));

  it('searches each market’s own catalogue in its currency, and never shows a trade-only product', async () => {
    const page = await newPage();
    await page.goto(`${shop.url}/eu-de?q=${K}`);
    expect(await slugs(page)).toEqual([p.both, p.euOnly].sort());
    expect(text(await page.textContent('#channel-currency'))).toContain('EUR');
    // The listing shows each product's first variant: the jacket S at 25.00 EUR, the scarf at 19.00 EUR, tax included.
    const eu = await page.locator(`#products .product[data-slug="${p.both}"]`).textContent();
    expect(text(eu)).toContain('25,00 € incl. tax');
    // One brand facet (every test product is Fjell's) counting both; choosing it keeps both.
    const brandFacets = await page.locator('#facet-brands a').allTextContents();
    expect(brandFacets).toHaveLength(1);
    expect(brandFacets[0]).toMatch(/\(2\)$/);
    await page.click('#facet-brands a');
    await page.waitForURL(/brand=/);
    expect(await slugs(page)).toEqual([p.both, p.euOnly].sort());

    // Switching market: USD, net prices plus tax, and the web-us catalogue.
    await page.goto(`${shop.url}/eu-de?q=${K}`);
    await page.click('#market-us-en');
    await page.waitForURL(`${shop.url}/us-en`);
    await page.goto(`${shop.url}/us-en?q=${K}`);
    expect(await slugs(page)).toEqual([p.both, p.usOnly].sort());
    expect(text(await page.textContent('#channel-currency'))).toContain('USD');
    expect((await prices(page)).sort()).toEqual(['10000 USD', '2700 USD']);
    expect(text(await page.locator(`#products .product[data-slug="${p.both}"]`).textContent())).toContain('$27.00 plus tax');

    // The trade-only product is in no storefront: not listed, and its page is not found.
    for (const market of ['eu-de', 'us-en']) {
      await page.goto(`${shop.url}/${market}?q=${K}%20bulk`);
      expect(await slugs(page)).not.toContain(p.trade);
      const res = await page.goto(`${shop.url}/${market}/products/${p.trade}`);
      expect(res?.status()).toBe(404);
    }
    expect(foreign).toEqual([]);
  }, 120_000);

  it('lets a guest pick a variant, check out with express shipping, and charges what the page showed', async () => {
    const page = await newPage();
    await page.goto(`${shop.url}/eu-de/products/${p.both}`);
    // Two variants with their prices; S can be collected at the Munich shop (3 there).
    expect(await page.locator('#add-to-cart .variant .price').evaluateAll((els) => els.map((e) => e.getAttribute('data-price')))).toEqual([
      '2500 EUR',
      '3000 EUR',
    ]);
    expect(text(await page.locator(`.variant[data-variant-id="${v.bothS}"] .pickup`).textContent())).toContain('Munich shop (3)');
    await page.check(`input[name=variantId][value="${v.bothS}"]`);
    await page.fill('input[name=quantity]', '2');
    await page.click('#add-to-cart button[type=submit]');
    await page.waitForURL(`${shop.url}/eu-de/cart`);
    expect(text(await page.textContent('.cart-line .unit'))).toBe('25,00 €');
    // 2 x 25.00 = 50.00
    expect(text(await page.textContent('#cart-subtotal'))).toBe('50,00 €');

    await page.click('#to-checkout');
    await page.waitForURL(`${shop.url}/eu-de/checkout`);
    await page.fill('input[name=email]', `guest-${K}@example.com`);
    await page.fill('input[name=name]', 'Gina Gast');
    await page.fill('input[name=line1]', 'Hauptstraße 1');
    await page.fill('input[name=postalCode]', '10115');
    await page.fill('input[name=city]', 'Berlin');
    await page.check('input[name=delivery][value="ship:express"]');
    await page.click('#continue');
    await page.waitForURL(/step=review/);
    // 2 x 25.00 + express 12.90 = 62.90 EUR, VAT included: 50.00 x 19/119 = 7.98 and 12.90 x 19/119 = 2.06, 10.04 in all.
    expect(await page.getAttribute('#review-total', 'data-amount')).toBe('6290');
    expect(text(await page.textContent('#review-tax'))).toBe('10,04 €');
    await page.click('#place-order');
    await page.waitForURL(/\/eu-de\/orders\//);
    expect(await page.getAttribute('#order-total', 'data-amount')).toBe('6290');
    expect((await page.locator('.order-line td').allTextContents()).map(text)).toEqual([expect.stringMatching(/^T-/), '2 ×', '25,00 €', '50,00 €']);
    const orderId = await page.getAttribute('#order', 'data-order-id');

    // In the order book with the storefront's channel, as order staff see it.
    const staff = await createStaff('storefront', ['order-admin'], ['web-eu', 'web-us']);
    const { token } = await staffSession(staff.email);
    const booked = (await bff('admin', 'Order', { id: orderId }, { token, channel: 'web-eu' })).data.order;
    expect(booked).toMatchObject({ id: orderId, email: `guest-${K}@example.com`, channel: { code: 'web-eu' }, total: { amount: 6290, currency: 'EUR' } });
    expect(foreign).toEqual([]);
  }, 120_000);

  it('collects from a shop: click & collect at Munich costs no shipping, and a coupon a guest cannot use is explained, not applied', async () => {
    const page = await newPage();
    await page.goto(`${shop.url}/eu-de/products/${p.both}`);
    await page.check(`input[name=variantId][value="${v.bothS}"]`);
    await page.click('#add-to-cart button[type=submit]');
    await page.waitForURL(`${shop.url}/eu-de/cart`);
    await page.click('#to-checkout');
    await page.waitForURL(`${shop.url}/eu-de/checkout`);
    await page.fill('input[name=email]', `collect-${K}@example.com`);
    await page.fill('input[name=name]', 'Carl Collect');
    await page.fill('input[name=line1]', 'Marienplatz 1');
    await page.fill('input[name=postalCode]', '80331');
    await page.fill('input[name=city]', 'München');
    await page.check('input[name=delivery][value="pickup:pickup:loc_munich_shop"]');
    // The demo's web-eu coupon (read, not changed) is once per customer, so a guest is told to sign in and pays in full.
    await page.fill('input[name=coupon]', 'WELCOME10');
    await page.click('#continue');
    await page.waitForURL(/step=review/);
    expect(await page.locator('#coupon-problems li').allTextContents()).toEqual(['WELCOME10: sign in to use this code']);
    // 1 x 25.00, no discount, collection 0.00: 25.00 EUR
    expect(text(await page.textContent('#review-shipping'))).toBe('0,00 €');
    expect(text(await page.textContent('#review-discount'))).toBe('0,00 €');
    expect(await page.getAttribute('#review-total', 'data-amount')).toBe('2500');
    await page.click('#place-order');
    await page.waitForURL(/\/eu-de\/orders\//);
    expect(await page.getAttribute('#order-total', 'data-amount')).toBe('2500');
  }, 120_000);

  it('renders a repeat anonymous product page from its catalogue cache, asks the BFF for every signed-in one, and serves another market’s customer the shared page', async () => {
    // A counting hop in front of the real B2C BFF (our own service, passed through unchanged), and a second
    // storefront process (an empty cache) behind it.
    const hop = await countingHop(system().b2c);
    const asked = hop.asked;
    const second = await serveStorefront(hop.url);
    try {
      const render = async (path: string, shows: string, cookie?: string) => {
        const before = asked.length;
        const res = await fetch(`${second.url}${path}`, { headers: cookie ? { cookie } : {} });
        expect(res.status).toBe(200);
        expect(await res.text()).toContain(shows);
        return asked.slice(before).sort();
      };
      const eu = (cookie?: string) => render(`/eu-de/products/${p.euOnly}`, `${K} scarf`, cookie);
      const us = (cookie?: string) => render(`/us-en/products/${p.usOnly}`, `${K} boots`, cookie);
      // The first render asks for the channel and the page (a BFF answer that raced a catalogue change is not
      // shareable and is asked again next time: at most a few renders until both are kept).
      expect(await eu()).toEqual(['anonymous CurrentChannel', 'anonymous ProductPage']);
      for (let i = 0; i < 4 && (await eu()).length > 0; i++);
      for (let i = 0; i < 3; i++) expect(await eu()).toEqual([]);
      // A signed-in customer may have prices of their group's: asked each time, never shared.
      const { token } = await testCustomer('storefront-cache');
      const customer = `sg_token_web-eu=${token}; sg_kind_web-eu=customer`;
      for (let i = 0; i < 3; i++) expect(await eu(customer)).toEqual(['token CurrentChannel', 'token ProductPage']);
      // The same web-eu customer on a web-us page has no session there (sessions are per channel): they get the
      // shared anonymous page, nothing asked and no token sent (web-us would answer it 403).
      expect(await us()).toEqual(['anonymous CurrentChannel', 'anonymous ProductPage']);
      for (let i = 0; i < 4 && (await us()).length > 0; i++);
      for (let i = 0; i < 3; i++) expect(await us(customer)).toEqual([]);
      // Started without a webhook secret: the revalidation route does not exist (cached pages end at their max-age).
      expect((await fetch(`${second.url}/api/revalidate`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await second.close();
      await hop.close();
    }
  }, 120_000);

  it('is told by the BFF what it may share: anonymous catalogue answers public for a while, a customer’s private', async () => {
    let anonymous = await bff('b2c', 'ProductPage', { slug: p.both }, { channel: 'web-eu' });
    // An answer read while another file wrote to the catalogue is not stored (BYPASS) and so is private: ask again.
    for (let i = 0; i < 40 && anonymous.headers.get('x-cache') === 'BYPASS'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      anonymous = await bff('b2c', 'ProductPage', { slug: p.both }, { channel: 'web-eu' });
    }
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('cache-control')).toMatch(/^public, max-age=([1-9]|[1-5][0-9]|60)$/);
    const signedIn = await bff('b2c', 'Me', {}, { channel: 'web-eu', as: 'anna@example.com' });
    expect(signedIn.headers.get('cache-control')).toBe('private, no-store');
  });
});
