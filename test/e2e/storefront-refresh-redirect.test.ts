import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { system } from '../support/clients.ts';
import { CHROMIUM, frontProxy, launchBrowser, serveStorefront } from './storefront-support.ts';

const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER && !process.env.CI) {
  console.warn(`[test] skipping the storefront refresh redirect test: no Chromium at ${CHROMIUM} (see graphiql.test.ts).`);
}

/**
 * Where the example storefront's session route (`/api/session/refresh?next=...`, the page a refused token lands
 * on) sends the shopper: back to a page of one of its markets, on the origin the shopper asked, never another.
 * The storefront is served against the test system's B2C BFF; the expiry and rotation themselves are
 * storefront-session-refresh.test.ts's. No session is needed here: without one the route signs nobody out and
 * goes straight to `next`, once it is judged safe.
 */
describe.skipIf(!HAVE_BROWSER && !process.env.CI)('the example storefront’s session route redirects', () => {
  let browser: Browser;
  let shop: Awaited<ReturnType<typeof serveStorefront>>;
  let proxy: Awaited<ReturnType<typeof frontProxy>>;

  beforeAll(async () => {
    shop = await serveStorefront(system().b2c);
    proxy = await frontProxy(shop.url);
    browser = await launchBrowser();
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await shop?.close();
  });

  it('sends the shopper back only to a page of this storefront, however the next path is spelt', async () => {
    // `/%5Cevil.com` is `/\evil.com` and `/%09/evil.com` is `/<tab>/evil.com`: a browser resolves both to
    // https://evil.com/, which the old prefix check (`/` but not `//`) let through. The Location is a path (relative
    // to whatever origin the browser asked), never a URL naming a host.
    const locations: string[] = [];
    for (const next of ['/%5Cevil.com', '/%09/evil.com', '//evil.com', 'https%3A%2F%2Fevil.com%2Feu-de%2F', '/eu-de/../api/revalidate', '/eu-de/account']) {
      const res = await fetch(`${shop.url}/api/session/refresh?next=${next}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      locations.push(res.headers.get('location') ?? '');
    }
    expect(locations).toEqual(['/', '/', '/', '/', '/', '/eu-de/account']);
  });

  it('asks a customer whose session ended on a listing with a search to sign in, instead of sending them round in a loop', async () => {
    // The page's BFF call was refused for a token with life left (signed out elsewhere, revoked): the route does not
    // refresh it (nothing is due) and signs the shopper out of that market. The route reads only its cookies here,
    // so any token that is not a due JWT stands in. `next` carries the listing's query: read as no market, it was
    // sent straight back to the page, which came back here (ERR_TOO_MANY_REDIRECTS).
    const names = ['token', 'kind', 'refresh'].map((what) => `sg_${what}_web-eu`);
    const cookie = `${names[0]}=ended-token; ${names[1]}=customer; ${names[2]}=refresh-token`;
    const res = await fetch(`${shop.url}/api/session/refresh?next=${encodeURIComponent('/eu-de?q=boots')}`, { redirect: 'manual', headers: { cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/eu-de/sign-in?next=%2Feu-de%3Fq%3Dboots');
    // That market's session cookies are cleared (expired), so the sign-in page starts clean.
    const cleared = res.headers
      .getSetCookie()
      .filter((c) => /Expires=Thu, 01 Jan 1970/i.test(c))
      .map((c) => c.split('=')[0]);
    expect(cleared.sort()).toEqual([...names].sort());
  });

  it('keeps a shopper who came through a reverse proxy on the public origin', async () => {
    // The proxy names the storefront's own address in Host, as one does by default: a redirect built from the
    // request's host sent the browser to http://localhost:<storefront port>/..., past the proxy.
    const context = await browser.newContext();
    const visited: string[] = [];
    context.on('request', (r) => visited.push(new URL(r.url()).origin));
    const page = await context.newPage();
    const res = await page.goto(`${proxy.url}/api/session/refresh?next=${encodeURIComponent('/us-en?q=boots')}`);
    expect(res?.status()).toBe(200);
    expect(page.url()).toBe(`${proxy.url}/us-en?q=boots`);
    expect(await page.textContent('#channel-currency')).toContain('USD');
    // A refused `next` lands on the proxy's home page, not the storefront's own address.
    await page.goto(`${proxy.url}/api/session/refresh?next=${encodeURIComponent('//evil.com/eu-de')}`);
    expect(new URL(page.url()).origin).toBe(proxy.url);
    expect(visited.length).toBeGreaterThan(2);
    expect([...new Set(visited)]).toEqual([proxy.url]);
    await context.close();
  }, 120_000);
});
