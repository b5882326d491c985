import { existsSync } from 'node:fs';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { postGraphQL, system, tokenFor } from '../support/clients.ts';
import { createStaff, staffSession, STAFF_PASSWORD } from './admin-support.ts';

const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER && !process.env.CI) {
  console.warn(`[test] skipping the staff GraphiQL browser test: no Chromium at ${CHROMIUM} (see graphiql.test.ts).`);
}

/**
 * GraphiQL for staff on the admin BFF of the shared test system, which runs as production does (allow-list
 * enforced, no development IDE, the gateway answering no introspection): the page at /graphiql, the schema for
 * a signed-in staff member only, and nothing run that is not on the admin allow-list.
 */
const admin = () => system().admin;
const introspect = (headers: Record<string, string>, query = getIntrospectionQuery()) =>
  postGraphQL<any>(admin(), { query }, { accept: 'application/graphql-response+json', ...headers });

let staffEmail = '';
let staffToken = '';
beforeAll(async () => {
  staffEmail = (await createStaff('graphiql', ['viewer'], ['web-eu'])).email;
  staffToken = (await staffSession(staffEmail)).token;
});

describe('staff introspection on the admin BFF', () => {
  it('answers a signed-in staff member with the API schema: staff operations in, federation internals out', async () => {
    const res = await introspect({ authorization: `Bearer ${staffToken}`, 'x-channel': 'web-eu' });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    const types = res.data.__schema.types as { name: string; fields: { name: string }[] | null }[];
    const fieldsOf = (name: string) => types.find((t) => t.name === name)!.fields!.map((f) => f.name);
    // From three subgraphs' SDL: the catalog, the order book and the staff accounts.
    expect(fieldsOf('Query')).toEqual(expect.arrayContaining(['products', 'orderQueue', 'staffMembers']));
    expect(fieldsOf('Mutation')).toEqual(expect.arrayContaining(['staffSignIn', 'createStaffMember']));
    // The client-facing schema, not the supergraph: no entity resolver, no join types.
    expect(fieldsOf('Query')).not.toContain('_entities');
    expect(types.filter((t) => t.name.startsWith('join__') || t.name.startsWith('link__'))).toEqual([]);
  });

  it('refuses it to a caller who is not signed-in staff, with stable codes', async () => {
    const anonymous = await introspect({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data).toBeUndefined();
    const customer = await introspect({ authorization: `Bearer ${await tokenFor('anna@example.com')}` });
    expect(customer.status).toBe(403);
    expect(customer.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const forged = await introspect({ authorization: `Bearer ${staffToken.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect(forged.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('still runs nothing off the allow-list: a query beside the introspection, or a probe 50 levels deep, is refused', async () => {
    const staff = { authorization: `Bearer ${staffToken}`, 'x-channel': 'web-eu' };
    const mixed = await introspect(staff, '{ __schema { queryType { name } } products(first: 1) { nodes { id } } }');
    expect(mixed.status).toBe(403);
    expect(mixed.errors![0]!.extensions!.code).toBe('OPERATION_NOT_ALLOWED');
    const deep = `{ __schema { types { ${'ofType { '.repeat(24)}name${' }'.repeat(24)} } } }`;
    const tooDeep = await introspect(staff, deep);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX');
    const unknownField = await introspect(staff, '{ __schema { nonsense } }');
    expect(unknownField.status).toBe(400);
    expect(unknownField.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe.skipIf(!HAVE_BROWSER && !process.env.CI)('the staff GraphiQL page, offline', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('is served with a strict policy, opens on StaffSignIn, signs in from the page and learns the schema, asking nothing of other origins', async () => {
    const origin = new URL(admin()).origin;
    const res = await fetch(`${origin}/graphiql`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("'unsafe-inline' 'unsafe-eval'");
    expect(await res.text()).toContain('mutation StaffSignIn');

    const context = await browser.newContext();
    // The variables a staff member types into GraphiQL's Variables tab (GraphiQL keeps them in localStorage).
    await context.addInitScript(
      (vars) => localStorage.setItem('graphiql:variables', vars),
      JSON.stringify({ input: { email: staffEmail, password: STAFF_PASSWORD } }),
    );
    const page = await context.newPage();
    const foreign: string[] = [];
    const problems: string[] = [];
    const posts: { status: number; body: string }[] = [];
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
    });
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', async (r) => {
      if (r.request().method() === 'POST' && r.url() === `${origin}/graphql`) posts.push({ status: r.status(), body: await r.text().catch(() => '') });
    });
    await page.goto(`${origin}/graphiql`, { waitUntil: 'load' });
    const run = page.locator('button.graphiql-execute-button');
    await run.waitFor({ timeout: 30_000 });
    await run.click();
    // The allow-listed StaffSignIn ran from the page: its answer is a session with an access token.
    await page.locator('.graphiql-response').getByText('StaffAuthSession', { exact: false }).first().waitFor({ timeout: 30_000 });
    const answer = await page.locator('.graphiql-response').textContent();
    expect(answer).toContain('"accessToken"');
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    // Before signing in, the page's introspection was refused (the placeholder token), not answered.
    expect(posts.some((p) => p.status === 401 && p.body.includes('UNAUTHENTICATED'))).toBe(true);
    expect(posts.some((p) => p.status === 200 && p.body.includes('"__schema"'))).toBe(false);

    // With the token in the Headers tab, the docs explorer learns the schema from the admin BFF.
    const signInAnswer = posts.find((p) => p.status === 200 && p.body.includes('"staffSignIn"'))!;
    const token = JSON.parse(signInAnswer.body).data.staffSignIn.accessToken as string;
    const signedIn = await browser.newContext();
    await signedIn.addInitScript(
      (headers) => localStorage.setItem('graphiql:headers', headers),
      JSON.stringify({ authorization: `Bearer ${token}`, 'x-channel': 'web-eu' }),
    );
    const ide = await signedIn.newPage();
    ide.on('pageerror', (e) => problems.push(e.message));
    await ide.goto(`${origin}/graphiql`, { waitUntil: 'load' });
    await ide.locator('button[aria-label="Show Documentation Explorer"]').click();
    await ide.getByText('Query', { exact: true }).first().click({ timeout: 30_000 });
    await ide.getByText('staffMembers', { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
    await signedIn.close();
    await context.close();
  });
});
