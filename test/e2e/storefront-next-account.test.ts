import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bff, system } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { CHROMIUM, launchBrowser, serveStorefront } from './storefront-support.ts';

const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER && !process.env.CI) {
  console.warn(`[test] skipping the storefront account test: no Chromium at ${CHROMIUM} (see graphiql.test.ts).`);
}

/**
 * The example Next.js storefront's customer pages (sign-up, account, address book, live order status) in headless
 * Chromium against the test system's production-mode B2C BFF, as a shopper uses them. This file's own products:
 *   usOnly boots (web-us): 100.00 USD, 10 in New Jersey, and coupon SF<run> for 10 % off them in web-us
 *   euOnly scarf (web-eu): 19.00 EUR, 10 in Hamburg
 */
const NEW_JERSEY = 'loc_wh_newjersey';
const K = `sa${Math.random().toString(36).slice(2, 8)}`;
const COUPON = `SF${K}`.toUpperCase();
/** Text as a shopper reads it: Intl puts a no-break space before €, and JSX spacing doubles some spaces. */
const text = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!HAVE_BROWSER && !process.env.CI)('the example Next.js storefront’s customer pages', () => {
  let browser: Browser;
  let shop: Awaited<ReturnType<typeof serveStorefront>>;
  const p = { euOnly: '', usOnly: '' };
  const v = { usOnly: '' };
  const foreign: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    const make = async (name: string, channels: string[]) => createTestProduct({ name: `${K} ${name}`, channels, variants: 1 });
    const [euOnly, usOnly] = await Promise.all([make('scarf', ['web-eu']), make('boots', ['web-us'])]);
    Object.assign(p, { euOnly: euOnly.slug, usOnly: usOnly.slug });
    v.usOnly = usOnly.variants[0]!.id;
    await priceVariant(euOnly.variants[0]!.id, { eur: 1900 });
    await priceVariant(v.usOnly, { usd: 10_000 });
    // A web-us coupon of this file's own, through the admin BFF: 10 % off the boots.
    const pricing = await staffSession((await createStaff('storefront-prices', ['pricing-admin'], ['web-us'])).email);
    const promo = {
      id: `promo_t_${K}`,
      channel: 'web-us',
      name: 'Storefront test 10 % off',
      kind: 'PERCENT_OFF',
      target: 'PRODUCTS',
      percentBasisPoints: 1000,
      couponCode: COUPON,
      stacking: 'EXCLUSIVE',
      priority: 3,
      active: true,
      variantIds: [v.usOnly],
    };
    const saved = await bff('admin', 'UpsertPromotion', { input: promo }, { token: pricing.token, channel: 'web-us' });
    expect(saved.errors).toBeUndefined();
    await receive(euOnly.variants[0]!.id, HAMBURG, 10);
    await receive(v.usOnly, NEW_JERSEY, 10);
    shop = await serveStorefront(system().b2c);
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

  it('signs a new customer up, keeps the guest cart, checks out in USD with sales tax, follows the order’s status live and finds it in the account', async () => {
    const page = await newPage();
    await page.goto(`${shop.url}/us-en/products/${p.usOnly}`);
    expect(await page.locator('#add-to-cart .variant .price').evaluateAll((els) => els.map((e) => e.getAttribute('data-price')))).toEqual(['10000 USD']);
    await page.click('#add-to-cart button[type=submit]');
    await page.waitForURL(`${shop.url}/us-en/cart`);

    const email = `customer-${K}@example.com`;
    await page.goto(`${shop.url}/us-en/sign-up`);
    await page.fill('#sign-up input[name=name]', 'Casey Customer');
    await page.fill('#sign-up input[name=email]', email);
    await page.fill('#sign-up input[name=password]', 'a-long-enough-password-1');
    await page.click('#sign-up button[type=submit]');
    await page.waitForURL(`${shop.url}/us-en/account`);
    expect(await page.textContent('#account-email')).toBe(email);
    expect(await page.isVisible('#no-orders')).toBe(true);

    await page.goto(`${shop.url}/us-en/cart`);
    expect(await page.locator('.cart-line').count()).toBe(1);
    expect(text(await page.textContent('.cart-line .unit'))).toBe('$100.00');
    await page.click('#to-checkout');
    await page.waitForURL(`${shop.url}/us-en/checkout`);
    expect(await page.inputValue('input[name=email]')).toBe(email);
    await page.fill('input[name=line1]', '350 Fifth Avenue');
    await page.fill('input[name=postalCode]', '10118');
    await page.fill('input[name=city]', 'New York');
    await page.fill('input[name=region]', 'NY');
    await page.check('input[name=delivery][value="ship:standard"]');
    await page.fill('input[name=coupon]', COUPON);
    await page.click('#continue');
    await page.waitForURL(/step=review/);
    // 100.00 net less 10 % = 90.00; standard shipping is free from 75.00 after discounts;
    // New York sales tax 4 %: 90.00 x 0.04 = 3.60; total 93.60 USD.
    expect(await page.locator('#coupon-problems').count()).toBe(0);
    expect(text(await page.textContent('#review-discount'))).toBe('$10.00');
    expect(text(await page.textContent('#review-shipping'))).toBe('$0.00');
    expect(text(await page.textContent('#review-tax'))).toBe('$3.60');
    expect(await page.getAttribute('#review-total', 'data-amount')).toBe('9360');
    await page.click('#place-order');
    await page.waitForURL(/\/us-en\/orders\//);
    expect(await page.getAttribute('#order-total', 'data-amount')).toBe('9360');
    // The line is charged the page's price, the coupon taken off it.
    expect((await page.locator('.order-line td').allTextContents()).map(text)).toEqual([expect.stringMatching(/^T-/), '1 ×', '$100.00', '$90.00']);
    const orderId = await page.getAttribute('#order', 'data-order-id');

    // Live status: the page follows the order over the storefront's server (graphql-ws to the BFF) as staff move it.
    await page.locator('#order-status[data-live=yes]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#order-status')).toBe('PLACED');
    const staff = await createStaff('storefront-us', ['order-admin'], ['web-us']);
    const { token } = await staffSession(staff.email);
    const moved = (await bff('admin', 'SetOrderStatus', { id: orderId, status: 'PROCESSING' }, { token, channel: 'web-us' })).data.setOrderStatus;
    expect(moved.__typename).toBe('OrderStatusChanged');
    await expect.poll(() => page.textContent('#order-status'), { timeout: 20_000 }).toBe('PROCESSING');

    await page.click('#account-link');
    await page.waitForURL(`${shop.url}/us-en/account`);
    const rows = await page
      .locator('#orders .order')
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-order-id'), tr.querySelector('.total')?.textContent]));
    expect(rows).toEqual([[orderId, '$93.60']]);

    expect(await page.locator('#orders .order .status').allTextContents()).toEqual(['PROCESSING']);
    const booked = (await bff('admin', 'Order', { id: orderId }, { token, channel: 'web-us' })).data.order;
    expect(booked).toMatchObject({ id: orderId, email, status: 'PROCESSING', channel: { code: 'web-us' }, total: { amount: 9360, currency: 'USD' } });
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('keeps a signed-in customer’s address book and starts the checkout from the default delivery address', async () => {
    const page = await newPage();
    await page.goto(`${shop.url}/eu-de/sign-up`);
    await page.fill('#sign-up input[name=name]', 'Ada Adressen');
    await page.fill('#sign-up input[name=email]', `addresses-${K}@example.com`);
    await page.fill('#sign-up input[name=password]', 'a-long-enough-password-2');
    await page.click('#sign-up button[type=submit]');
    await page.waitForURL(`${shop.url}/eu-de/account`);
    expect(await page.isVisible('#no-addresses')).toBe(true);

    const saved = () => page.locator('#addresses .address');
    const add = async (label: string, line1: string, postalCode: string, city: string, byDefault: boolean) => {
      const before = await saved().count();
      await page.fill('#add-address input[name=label]', label);
      await page.fill('#add-address input[name=name]', 'Ada Adressen');
      await page.fill('#add-address input[name=line1]', line1);
      await page.fill('#add-address input[name=postalCode]', postalCode);
      await page.fill('#add-address input[name=city]', city);
      if (byDefault) await page.check('#add-address input[name=defaultShipping]');
      await page.click('#add-address button[type=submit]');
      // Saved, or refused with the rule it broke: either way the account page comes back.
      const settled = async () => (await saved().count()) > before || (await page.locator('#address-problem').count()) > 0;
      await expect.poll(settled, { timeout: 20_000 }).toBe(true);
      expect(await page.locator('#address-problem').allTextContents()).toEqual([]);
      expect(await saved().count()).toBe(before + 1);
    };
    const defaults = () => saved().evaluateAll((els) => els.map((e) => [e.querySelector('.label')?.textContent, e.getAttribute('data-default-shipping')]));
    await add('Home', 'Hauptstraße 3', '10115', 'Berlin', true);
    await add('Office', 'Leopoldstraße 9', '80802', 'München', false);
    expect(await defaults()).toEqual(
      expect.arrayContaining([
        ['Home', 'yes'],
        ['Office', 'no'],
      ]),
    );
    expect(text(await saved().filter({ hasText: 'Office' }).locator('.lines').textContent())).toBe('Ada Adressen, Leopoldstraße 9, 80802 München, DE');

    // A label past the customers subgraph's 60 characters is refused with its rule, and nothing is saved.
    await page.fill('#add-address input[name=label]', 'L'.repeat(61));
    await page.fill('#add-address input[name=name]', 'Ada Adressen');
    await page.fill('#add-address input[name=line1]', 'Nirgendwo 1');
    await page.fill('#add-address input[name=postalCode]', '20095');
    await page.fill('#add-address input[name=city]', 'Hamburg');
    await page.click('#add-address button[type=submit]');
    await page.locator('#address-problem').waitFor({ timeout: 20_000 });
    expect(text(await page.textContent('#address-problem'))).toBe('label: label is at most 60 characters');
    expect(await saved().count()).toBe(2);

    // The office becomes the delivery default (one default at a time), and home goes.
    await saved().filter({ hasText: 'Office' }).locator('.make-default').click();
    await expect.poll(defaults, { timeout: 20_000 }).toEqual(
      expect.arrayContaining([
        ['Home', 'no'],
        ['Office', 'yes'],
      ]),
    );
    await saved().filter({ hasText: 'Home' }).locator('.remove').click();
    await expect.poll(defaults, { timeout: 20_000 }).toEqual([['Office', 'yes']]);

    // The checkout starts from the default delivery address.
    await page.goto(`${shop.url}/eu-de/products/${p.euOnly}`);
    await page.click('#add-to-cart button[type=submit]');
    await page.waitForURL(`${shop.url}/eu-de/cart`);
    await page.click('#to-checkout');
    await page.waitForURL(`${shop.url}/eu-de/checkout`);
    const form = await Promise.all(['name', 'line1', 'postalCode', 'city', 'country'].map((f) => page.inputValue(`#details input[name=${f}]`)));
    expect(form).toEqual(['Ada Adressen', 'Leopoldstraße 9', '80802', 'München', 'DE']);
    expect(problems).toEqual([]);
  }, 120_000);
});
