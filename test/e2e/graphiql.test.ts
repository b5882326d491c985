import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { startDevelopmentB2c } from '../support/development-front-door.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * The one browser test. A newcomer's machine may have no Chromium: there the test is skipped with a notice
 * saying how to get one; CI (CI=true) installs it and fails loudly if it is still missing.
 */
const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER && !process.env.CI) {
  console.warn(
    `[test] skipping the GraphiQL browser test: no Chromium at ${CHROMIUM}. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH.`,
  );
}

describe.skipIf(!HAVE_BROWSER && !process.env.CI)('the GraphQL IDE, offline', () => {
  // The IDE, its introspection and its demo credentials are development conveniences: the shared test
  // system's BFFs run as production does, so this test starts a development gateway and B2C BFF of its own.
  let dev: Awaited<ReturnType<typeof startDevelopmentB2c>>;
  beforeAll(async () => {
    dev = await startDevelopmentB2c();
  });
  afterAll(async () => {
    await dev?.close();
  });

  it('loads GraphiQL from the B2C BFF, runs a query with the channel credentials and requests nothing from elsewhere', async () => {
    const browser = await chromium.launch({
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
    try {
      const page = await browser.newPage();
      const origin = new URL(dev.url).origin;
      const foreign: string[] = [];
      page.on('request', (req) => {
        const url = req.url();
        if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
      });
      const graphqlPosts: number[] = [];
      page.on('response', (res) => {
        if (res.request().method() === 'POST' && res.url().startsWith(`${origin}/graphql`)) graphqlPosts.push(res.status());
      });
      await page.goto(`${origin}/graphql`, { waitUntil: 'load' });
      const run = page.locator('button.graphiql-execute-button');
      await run.waitFor({ timeout: 30_000 });
      await run.click();
      // The default query lists products; their ids appear in the result pane.
      await page.locator('.graphiql-response').getByText('prd_', { exact: false }).first().waitFor({ timeout: 30_000 });
      const result = await page.locator('.graphiql-response').innerText();
      expect(result).toContain('"products"');
      expect(graphqlPosts.length).toBeGreaterThan(0);
      expect(graphqlPosts.every((s) => s === 200)).toBe(true);
      expect(foreign).toEqual([]);
      // The IDE learned the schema (introspection through the BFF): the docs explorer lists the Query type.
      await page.locator('button[aria-label="Show Documentation Explorer"]').click();
      await page.getByText('Query', { exact: true }).first().waitFor({ timeout: 10_000 });
    } finally {
      await browser.close();
    }
  });
});
