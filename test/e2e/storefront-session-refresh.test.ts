import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startB2cBff } from '@storegraph/bff-b2c';
import { startCustomers } from '@storegraph/customers';
import { startGateway } from '@storegraph/gateway';
import { bff, sqlClient, subgraphUrls, system } from '../support/clients.ts';
import { data, key, readyCart, sellable } from './checkout-support.ts';
import { CHROMIUM, launchBrowser, serveStorefront } from './storefront-support.ts';

const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER && !process.env.CI) {
  console.warn(`[test] skipping the storefront session refresh test: no Chromium at ${CHROMIUM} (see graphiql.test.ts).`);
}

/**
 * A signed-in shopper's access token runs out while they browse the example storefront. Nothing is mocked:
 * the storefront talks to a production-mode B2C BFF of this file's own, whose gateway routes accounts to a
 * customers replica of its own (same database and secrets as the shared system) that signs access tokens for
 * 20 s instead of 15 minutes (CUSTOMERS_ACCESS_TOKEN_TTL_SECONDS). Everything else is the shared system's.
 * The customer and their order are this file's own: signed up and ordered through the shared B2C BFF.
 *   order: 1 x 25.00 EUR + standard shipping 4.90 (free only from 50.00) = 29.90 EUR, shown as "29,90 €".
 */
const K = `rf${Math.random().toString(36).slice(2, 8)}`;
const PASSWORD = 'a-long-enough-password-9';
const text = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
/** A JWT's claims, read by hand (the BFF verifies tokens; the test only needs sid and exp). */
/** Where the page ended up: the sign-in page says where to go back to. */
const landing = (url: string) => {
  const u = new URL(url);
  return `${u.pathname} next=${u.searchParams.get('next')}`;
};
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string; exp: number };

describe.skipIf(!HAVE_BROWSER && !process.env.CI)('the example storefront refreshes a signed-in customer’s expired access token', () => {
  let browser: Browser;
  let shop: Awaited<ReturnType<typeof serveStorefront>>;
  const stops: (() => Promise<void>)[] = [];
  const customer = { email: `refresh-${K}@example.com`, orderId: '', orderNumber: '' };
  const serverErrors: string[] = [];
  let b2cUrl = '';

  beforeAll(async () => {
    const s = system();
    const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent', STOREGRAPH_CONTEXT_SECRET: s.contextSecret, STOREGRAPH_IDP_SECRET: s.idpSecret };
    const customers = await startCustomers({
      ...base,
      DATABASE_URL: s.databaseUrl,
      ORDERS_URL: s.orders,
      CUSTOMERS_PORT: '0',
      CUSTOMERS_DB_POOL: '3',
      CUSTOMERS_ACCESS_TOKEN_TTL_SECONDS: '20',
    });
    stops.push(() => customers.close());
    const gateway = await startGateway({ ...base, ...subgraphUrls(), CUSTOMERS_URL: customers.url, GATEWAY_PORT: '0' });
    stops.push(() => gateway.close());
    const b2c = await startB2cBff({
      ...base,
      NODE_ENV: 'production',
      GATEWAY_URL: gateway.url,
      B2C_PORT: '0',
      // A revoked session shows within 1 s (30 s by default).
      BFF_ACCOUNT_CACHE_MS: '1000',
    });
    stops.push(() => b2c.close());
    b2cUrl = b2c.url;
    shop = await serveStorefront(b2c.url);
    stops.push(() => shop.close());
    browser = await launchBrowser();
    stops.push(() => browser.close());

    const variantId = await sellable({ eur: 2500, stock: 1, channels: ['web-eu'] });
    const signedUp = data(await bff('b2c', 'SignUp', { input: { email: customer.email, password: PASSWORD, name: 'Rita Refresh' } })).signUp;
    expect(signedUp.__typename).toBe('AuthSession');
    const auth = { token: signedUp.accessToken as string };
    const cart = await readyCart('b2c', auth, [{ variantId, quantity: 1 }]);
    expect(cart.totals!.total).toEqual({ amount: 2990, currency: 'EUR' });
    const placed = data(
      await bff(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('refresh'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        auth,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    Object.assign(customer, { orderId: placed.order.id, orderNumber: placed.order.number });
  }, 240_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  });

  /** A browser of its own, signed in through the storefront's sign-in page; its session cookies. */
  async function signedInBrowser(): Promise<{ context: BrowserContext; token: string; refresh: string }> {
    const context = await browser.newContext();
    context.on('response', (r) => {
      if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`);
    });
    const page = await context.newPage();
    await page.goto(`${shop.url}/eu-de/sign-in`);
    await page.fill('#sign-in input[name=email]', customer.email);
    await page.fill('#sign-in input[name=password]', PASSWORD);
    await page.click('#sign-in button[type=submit]');
    await page.waitForURL(`${shop.url}/eu-de/account`);
    await page.close();
    return { context, ...(await sessionCookies(context)) };
  }

  async function sessionCookies(context: BrowserContext) {
    const jar = Object.fromEntries((await context.cookies()).map((c) => [c.name, c]));
    // The browser's scripts never see a token.
    expect([jar['sg_token_web-eu']?.httpOnly, jar['sg_refresh_web-eu']?.httpOnly]).toEqual([true, true]);
    return { token: jar['sg_token_web-eu']!.value, refresh: jar['sg_refresh_web-eu']!.value };
  }

  /** Waits until the BFF itself refuses the token for its age: from then on only a refresh helps. */
  async function untilExpired(token: string) {
    await expect
      .poll(
        async () => {
          const me = await bff('b2c', 'Me', {}, { token });
          return [me.status, me.errors?.[0]?.extensions?.code];
        },
        { timeout: 45_000, interval: 1000 },
      )
      .toEqual([401, 'UNAUTHENTICATED']);
    expect(Date.now()).toBeGreaterThanOrEqual(claims(token).exp * 1000);
  }

  async function familyStatuses(sid: string): Promise<string[]> {
    const sql = sqlClient();
    try {
      const rows = await sql`select status from customers.sessions where family_id = ${sid} order by created_at`;
      return rows.map((r) => r.status as string);
    } finally {
      await sql.end();
    }
  }

  it('shows the order history after the access token expired, having rotated the refresh token once; the old one is then refused', async () => {
    const { context, token, refresh } = await signedInBrowser();
    const { sid } = claims(token);
    expect(await familyStatuses(sid)).toEqual(['ACTIVE']);
    await untilExpired(token);

    // Three tabs load the account at once with the same expired cookie: one RefreshSession between them (a
    // second use of the refresh token would revoke the sign-in and send every tab to sign in). With the single
    // flight switched off (by hand, once) a tab landed on sign-in here: the three requests do overlap.
    const pages = await Promise.all([1, 2, 3].map(() => context.newPage()));
    const answers = await Promise.all(pages.map((p) => p.goto(`${shop.url}/eu-de/account`)));
    expect(answers.map((r) => r?.status())).toEqual([200, 200, 200]);
    for (const p of pages) {
      expect(p.url()).toBe(`${shop.url}/eu-de/account`);
      expect(await p.textContent('#account-email')).toBe(customer.email);
      const rows = await p
        .locator('#orders .order')
        .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-order-id'), tr.querySelector('a')?.textContent, tr.querySelector('.total')?.textContent]));
      expect(rows.map(([id, n, total]) => [id, n, text(total)])).toEqual([[customer.orderId, customer.orderNumber, '29,90 €']]);
    }
    const page = pages[0]!;

    // The browser now holds a new pair; the sign-in's family has exactly one rotation (one refresh, not two).
    const next = await sessionCookies(context);
    expect(next.token).not.toBe(token);
    expect(next.refresh).not.toBe(refresh);
    expect(claims(next.token).sid).toBe(sid);
    expect(await familyStatuses(sid)).toEqual(['ROTATED', 'ACTIVE']);

    // The old refresh token, presented again (as a thief would), is refused, and that ends the whole sign-in.
    const reused = data(await bff('b2c', 'RefreshSession', { refreshToken: refresh })).refreshSession;
    expect(reused).toEqual({ __typename: 'SessionInvalid', message: 'refresh token was already used; every session of this sign-in has been ended' });
    expect(await familyStatuses(sid)).toEqual(['REVOKED', 'REVOKED']);

    // The browser's access token has not expired, but its session is over: the BFF answers UNAUTHENTICATED, the
    // storefront's session route does not refresh (the token has life left, so it was ended, not aged),
    // clears the cookies and asks the shopper to sign in.
    await expect
      .poll(
        async () => {
          await page.goto(`${shop.url}/eu-de/account`);
          return landing(page.url());
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe('/eu-de/sign-in next=/eu-de/account');
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect((await context.cookies()).map((c) => c.name).filter((n) => n.startsWith('sg_'))).toEqual([]);
    expect(serverErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('leaves a customer’s session alone on another market’s pages and refreshes it back on their own', async () => {
    // Signed in at /eu-de (web-eu). Sessions are per channel: at /us-en the shopper is anonymous, so the expired
    // web-eu token is neither sent to web-us (another realm, which would answer it 403) nor refreshed there.
    const { context, token, refresh } = await signedInBrowser();
    const { sid } = claims(token);
    await untilExpired(token);

    const page = await context.newPage();
    const res = await page.goto(`${shop.url}/us-en`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('#sign-in-link').count()).toBe(1);
    expect(await sessionCookies(context)).toEqual({ token, refresh });
    expect(await familyStatuses(sid)).toEqual(['ACTIVE']);

    // Back on /eu-de the proxy refreshes it, once, and the account is theirs.
    await page.goto(`${shop.url}/eu-de/account`);
    expect(page.url()).toBe(`${shop.url}/eu-de/account`);
    expect(await page.textContent('#account-email')).toBe(customer.email);
    const next = await sessionCookies(context);
    expect(next.token).not.toBe(token);
    expect(next.refresh).not.toBe(refresh);
    expect(await familyStatuses(sid)).toEqual(['ROTATED', 'ACTIVE']);
    expect(serverErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('spends the refresh token once when two replicas sharing Redis get the same expired cookie at once', async () => {
    // Two more storefront processes on one Redis (REDIS_URL, a key prefix of this run's own): the single flight of
    // one process cannot see the other's, so without the Redis claim both would spend the token and the BFF would
    // revoke the sign-in (['REVOKED', 'REVOKED'] and a sign-in page).
    const redis = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: `sftest-${K}` };
    const [a, b] = await Promise.all([serveStorefront(b2cUrl, { redis }), serveStorefront(b2cUrl, { redis })]);
    stops.push(
      () => a.close(),
      () => b.close(),
    );
    const { context, token } = await signedInBrowser();
    const { sid } = claims(token);
    const cookie = (await context.cookies())
      .filter((c) => c.name.startsWith('sg_'))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    await context.close();
    await untilExpired(token);

    const answers = await Promise.all([a, b].map((shopN) => fetch(`${shopN.url}/eu-de/account`, { headers: { cookie }, redirect: 'manual' })));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const pages = await Promise.all(answers.map((r) => r.text()));
    for (const html of pages) expect(html).toContain(customer.email);
    // One exchange: the sign-in rotated once, and both replicas handed out the same new pair.
    expect(await familyStatuses(sid)).toEqual(['ROTATED', 'ACTIVE']);
    const newToken = answers.map((r) => /sg_token_web-eu=([^;]+)/.exec(r.headers.getSetCookie().join('\n'))?.[1]);
    expect(newToken[0]).toBeDefined();
    expect(newToken[0]).not.toBe(token);
    expect(newToken[1]).toBe(newToken[0]);
  }, 180_000);

  it('signs the shopper out cleanly when the refresh token was already spent elsewhere: no 500, cookies gone, sign-in page', async () => {
    const { context, token, refresh } = await signedInBrowser();
    const { sid } = claims(token);
    // Someone else spends the browser's refresh token first (a stolen cookie): they get a pair of their own.
    const stolen = data(await bff('b2c', 'RefreshSession', { refreshToken: refresh })).refreshSession;
    expect(stolen.__typename).toBe('AuthSession');
    await untilExpired(token);

    // The storefront's proxy presents the spent token: the BFF refuses it and revokes the sign-in, thief included.
    const page = await context.newPage();
    const res = await page.goto(`${shop.url}/eu-de/account`);
    expect(res?.status()).toBe(200);
    expect(landing(page.url())).toBe('/eu-de/sign-in next=/eu-de/account');
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect((await context.cookies()).map((c) => c.name).filter((n) => n.startsWith('sg_'))).toEqual([]);
    expect(await familyStatuses(sid)).toEqual(['REVOKED', 'REVOKED']);
    const thief = data(await bff('b2c', 'RefreshSession', { refreshToken: stolen.refreshToken })).refreshSession;
    expect(thief).toEqual({ __typename: 'SessionInvalid', message: 'session has ended; sign in again' });
    expect(serverErrors).toEqual([]);
    await context.close();
  }, 120_000);
});
