import { existsSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bff, sqlClient, system } from '../support/clients.ts';
import { eventually } from '../support/webhook-receiver.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data } from './checkout-support.ts';
import { deleteEndpoints } from './events-support.ts';
import { registerRevalidationWebhook } from '../../examples/storefront-next/scripts/revalidation-webhook.ts';
import { CHROMIUM, countingHop, freePort, launchBrowser, serveStorefront } from './storefront-support.ts';

const HAVE_BROWSER = existsSync(CHROMIUM);

/**
 * "The page never shows a price the checkout would not charge" (issue 19): the storefront's cached catalogue
 * pages drop a variant's answers when Storegraph's signed price.changed webhook reaches POST /api/revalidate,
 * and the checkout charges only the total its review showed (PriceChanged otherwise).
 *
 * This file's own product (web-eu only, one variant, 10 in Hamburg) starts at 40.00 EUR, tax included; the
 * storefront runs behind a counting hop so the test sees which renders reach the BFF, and its webhook
 * endpoint (price.changed, product.updated, no channel filter: the base book names none) is registered
 * through the admin BFF as `npm run storefront` does, and deleted after.
 */
const K = `fr${Math.random().toString(36).slice(2, 8)}`;
const text = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!HAVE_BROWSER && !process.env.CI)('the storefront’s prices after a price change', () => {
  const sql = sqlClient();
  const owned: string[] = [];
  let browser: Browser;
  let hop: Awaited<ReturnType<typeof countingHop>>;
  let shop: Awaited<ReturnType<typeof serveStorefront>>;
  let staffToken = '';
  let secret = '';
  const product = { id: '', slug: '', variantId: '' };

  beforeAll(async () => {
    const made = await createTestProduct({ name: `${K} parka`, channels: ['web-eu'] });
    Object.assign(product, { id: made.id, slug: made.slug, variantId: made.variants[0]!.id });
    await priceVariant(product.variantId, { eur: 4000 });
    await receive(product.variantId, HAMBURG, 10);
    // An endpoint with no channel filter needs webhook-admin on every channel; the base EUR book too.
    const staff = await createStaff('storefront-fresh', ['webhook-admin', 'pricing-admin'], ['*']);
    staffToken = (await staffSession(staff.email)).token;
    const port = await freePort();
    // As `npm run storefront` registers it; a second start for the same URL rotates the secret, no new endpoint.
    const url = `http://127.0.0.1:${port}/api/revalidate`;
    const first = await registerRevalidationWebhook({ adminUrl: system().admin, token: staffToken, url });
    secret = await registerRevalidationWebhook({ adminUrl: system().admin, token: staffToken, url });
    const mine = (data(await bff('admin', 'WebhookEndpoints', {}, { token: staffToken })).webhookEndpoints as { id: string; url: string }[]).filter(
      (e) => e.url === url,
    );
    owned.push(...mine.map((e) => e.id));
    expect(mine).toEqual([expect.objectContaining({ url, eventTypes: ['price.changed', 'product.updated'], channels: [], enabled: true })]);
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(first);
    hop = await countingHop(system().b2c);
    shop = await serveStorefront(hop.url, { port, webhookSecret: secret });
    browser = await launchBrowser();
    // next build takes 35 s on two idle cores and about 2 minutes beside the rest of the suite on CI.
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await hop?.close();
    await deleteEndpoints(sql, owned);
    await sql.end();
  });

  const pageUrl = () => `${shop.url}/eu-de/products/${product.slug}`;

  /** One anonymous render of the product page: the price it shows and the operations it asked the BFF. */
  async function render(): Promise<{ price: string | undefined; asked: string[] }> {
    const before = hop.asked.length;
    const res = await fetch(pageUrl());
    expect(res.status).toBe(200);
    const html = await res.text();
    return { price: /data-price="([^"]+)"/.exec(html)?.[1], asked: hop.asked.slice(before).filter((a) => a.endsWith('ProductPage')) };
  }

  /** Renders until the page comes from the storefront's cache (a first answer that raced a change is not kept). */
  async function cached(): Promise<string | undefined> {
    const r = await eventually(render, (r) => r.asked.length === 0, 'a product page served from the storefront cache', 30_000);
    return r.price;
  }

  async function setPrice(amount: number) {
    const res = await bff(
      'admin',
      'ImportPriceEntries',
      { bookId: 'bk_base_eur', entries: [{ variantId: product.variantId, amount }] },
      { token: staffToken, channel: 'web-eu' },
    );
    expect(data(res).importPriceEntries).toMatchObject({ bookId: 'bk_base_eur', imported: 1 });
  }

  function post(body: string, headers: Record<string, string>) {
    return fetch(`${shop.url}/api/revalidate`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  it('drops a cached page for a signed webhook only: a tampered, foreign or old one is refused and changes nothing', async () => {
    expect(await cached()).toBe('4000 EUR');
    const envelope = (id: string) => JSON.stringify({ id, type: 'product.updated', data: { productId: product.id, variantId: null, change: 'UPDATED' } });
    const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000);
    const signed = (body: string, id: string, when: Date, key = secret) => ({
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
      'webhook-signature': new Webhook(key).sign(id, when, body),
    });

    const body = envelope(`msg_${K}_1`);
    const tampered = body.replace(product.id, `${product.id}x`);
    const refused = [
      await post(tampered, signed(body, `msg_${K}_1`, at(0))),
      await post(body, signed(body, `msg_${K}_1`, at(0), 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')),
      // Standard Webhooks' tolerance is 5 minutes: a delivery signed 10 minutes ago is a replay.
      await post(body, signed(body, `msg_${K}_1`, at(600))),
      await post(body, {}),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    // Still served from the cache: none of them dropped it.
    expect(await render()).toEqual({ price: '4000 EUR', asked: [] });

    const ok = await post(body, signed(body, `msg_${K}_1`, at(0)));
    expect(ok.status).toBe(204);
    // The next render asks the BFF again (the page holds the product's id), and so does the one after: for
    // 10 s after a drop (SETTLE_MS; these renders take well under a second) an answer holding the id is not
    // kept, in case the BFF's own cache had not heard of the change yet.
    expect((await render()).asked).toEqual(['anonymous ProductPage']);
    expect((await render()).asked).toEqual(['anonymous ProductPage']);
  }, 120_000);

  it('shows a changed price once the price.changed webhook arrives, and the checkout charges what the page shows', async () => {
    expect(await cached()).toBe('4000 EUR');
    const browse = await (await browser.newContext()).newPage();
    await browse.goto(pageUrl());
    expect(await browse.getAttribute('.variant .price', 'data-price')).toBe('4000 EUR');

    // Staff lower the price through the admin BFF: the prices outbox's relay signs and sends price.changed.
    const changedAt = Date.now();
    await setPrice(3500);
    const delivered = await eventually(
      async () =>
        data(await bff('admin', 'WebhookDeliveries', { endpointId: owned[0], first: 500 }, { token: staffToken, channel: 'web-eu' })).webhookDeliveries,
      (ds: { eventType: string; aggregateId: string; lastHttpStatus: number | null }[]) =>
        ds.some((d) => d.eventType === 'price.changed' && d.aggregateId === `bk_base_eur:${product.variantId}` && d.lastHttpStatus === 204),
      'the price.changed delivery accepted by the storefront',
      60_000,
    );
    expect(delivered.length).toBeGreaterThan(0);
    const deliveredAfter = Date.now() - changedAt;
    // The storefront dropped its copy: the page shows 35.00 (at most a render or two while the BFF's own
    // cache hears of the change; the storefront keeps none of those).
    const shown = async () => {
      await browse.reload();
      return browse.getAttribute('.variant .price', 'data-price');
    };
    await expect.poll(shown, { timeout: 30_000 }).toBe('3500 EUR');
    // Reported, not asserted (speed belongs in the bench): how long the old price could still be seen here.
    console.log(`[storefront] price change to webhook accepted: ${deliveredAfter} ms; to the page showing it: ${Date.now() - changedAt} ms`);
    expect(text(await browse.textContent('.variant .price'))).toBe('35,00 €');

    // The shopper buys at the price shown: 1 x 35.00 + express 12.90 = 47.90 EUR.
    await browse.click('#add-to-cart button[type=submit]');
    await browse.waitForURL(`${shop.url}/eu-de/cart`);
    expect(text(await browse.textContent('.cart-line .unit'))).toBe('35,00 €');
    // The page showed what the cart charges: nothing to tell.
    expect(await browse.locator('#price-moved').count()).toBe(0);
    await checkoutDetails(browse);
    expect(await browse.getAttribute('#review-total', 'data-amount')).toBe('4790');
    await browse.click('#place-order');
    await browse.waitForURL(/\/eu-de\/orders\//);
    expect(await browse.getAttribute('#order-total', 'data-amount')).toBe('4790');
    expect((await browse.locator('.order-line td').allTextContents()).map(text)).toEqual([expect.stringMatching(/^T-/), '1 ×', '35,00 €', '35,00 €']);
  }, 180_000);

  it('tells the shopper in the cart when the page they added from showed another price, and refuses to charge a total they were not shown', async () => {
    await setPrice(3500);
    const browse = await (await browser.newContext()).newPage();
    const shown = async () => {
      await browse.goto(pageUrl());
      return browse.getAttribute('.variant .price', 'data-price');
    };
    await expect.poll(shown, { timeout: 30_000 }).toBe('3500 EUR');

    // The price goes up while the page is open (as if drawn from the cache a moment before the change): the
    // cart is priced live at 37.00 and says what the page showed.
    await setPrice(3700);
    await browse.click('#add-to-cart button[type=submit]');
    await browse.waitForURL(`${shop.url}/eu-de/cart`);
    expect(text(await browse.textContent('.cart-line .unit'))).toBe('37,00 €');
    expect(text(await browse.textContent(`#price-moved li[data-variant-id="${product.variantId}"]`))).toContain(
      'now 37,00 € each; the product page showed 35,00 €',
    );
    await checkoutDetails(browse, `moved-${K}@example.com`);
    // 1 x 37.00 + express 12.90 = 49.90 EUR
    expect(await browse.getAttribute('#review-total', 'data-amount')).toBe('4990');

    // And up again while the review is open: PlaceOrder is PriceChanged (nothing charged), the review shows
    // the new total, 39.00 + 12.90 = 51.90 EUR, and the order is placed for exactly that.
    await setPrice(3900);
    await browse.click('#place-order');
    await browse.waitForURL(/problem=PriceChanged/);
    expect(await browse.getAttribute('#problem', 'data-problem')).toBe('PriceChanged');
    expect(text(await browse.textContent('#problem'))).toContain('Nothing was charged');
    expect(await browse.getAttribute('#review-total', 'data-amount')).toBe('5190');
    await browse.click('#place-order');
    await browse.waitForURL(/\/eu-de\/orders\//);
    expect(await browse.getAttribute('#order-total', 'data-amount')).toBe('5190');
    // One order, at the total the review showed: the refused attempt placed none.
    const orders = await sql<{ total: string }[]>`select total::text as total from orders.orders where email = ${`moved-${K}@example.com`}`;
    expect(orders).toEqual([{ total: '5190' }]);
  }, 120_000);

  async function checkoutDetails(page: Page, email = `fresh-${K}@example.com`) {
    await page.click('#to-checkout');
    await page.waitForURL(`${shop.url}/eu-de/checkout`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=name]', 'Frieda Frisch');
    await page.fill('input[name=line1]', 'Hauptstraße 2');
    await page.fill('input[name=postalCode]', '10115');
    await page.fill('input[name=city]', 'Berlin');
    await page.check('input[name=delivery][value="ship:express"]');
    await page.click('#continue');
    await page.waitForURL(/step=review/);
  }
});
