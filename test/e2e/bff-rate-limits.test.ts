import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { sqlClient, system } from '../support/clients.ts';
import { startProductionB2c, type RunningTestBff } from '../support/production-bff.ts';
import { startDevelopmentB2c } from '../support/development-front-door.ts';
import { testCustomer } from './checkout-support.ts';

const KEY = DEMO_PUBLISHABLE_KEYS['web-eu']!;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const started: RunningTestBff[] = [];
async function bffWith(limits: NodeJS.ProcessEnv) {
  const b = await startProductionB2c({ BFF_RATE_LIMIT_WINDOW_SECONDS: '60', ...limits });
  started.push(b);
  return b;
}
afterAll(async () => {
  for (const b of started) await b.close();
});

async function call(url: string, operationName: string, variables: Record<string, unknown>, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-publishable-key': KEY };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ operationName, variables }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), requestId: res.headers.get('x-request-id'), json: (await res.json()) as any };
}

async function cartsOf(customerId: string): Promise<number> {
  const sql = sqlClient();
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from orders.carts where customer_id = ${customerId}`;
    return row!.n;
  } finally {
    await sql.end();
  }
}

function expectLimited(res: Awaited<ReturnType<typeof call>>) {
  expect(res.status).toBe(429);
  expect(res.json.errors[0].extensions.code).toBe('RATE_LIMITED');
  const seconds = Number(res.retryAfter);
  expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
  expect(res.json.errors[0].extensions.retryAfterSeconds).toBe(seconds);
}

describe('rate limits on the BFF', () => {
  it('answers the 11th request from one address in a window of 10 with 429 and Retry-After, before any work', async () => {
    const b = await bffWith({ BFF_RATE_LIMIT_PER_IP: '10' });
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await call(b.url, 'ProductListing', { first: 2 }));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(200));
    for (const refused of answers.slice(10)) {
      expectLimited(refused);
      // x-request-id is set once a request is on its way to the gateway: a refused one never was.
      expect(refused.requestId).toBeNull();
    }
    // Health checks are not budgeted (an orchestrator must see the replica as alive while it refuses a flood).
    expect((await fetch(b.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });

  it("counts a signed-in customer's writes against them: 3 of 5 carts are created, 2 are refused and never reach the gateway", async () => {
    const b = await bffWith({ BFF_RATE_LIMIT_PER_IP: '0', BFF_RATE_LIMIT_PER_CREDENTIAL: '3' });
    const me = await testCustomer('ratelimit');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call(b.url, 'CreateCart', {}, me.token));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expectLimited(answers[4]!);
    expect(await cartsOf(me.sub)).toBe(3);
    // Another customer has a budget of their own.
    const other = await testCustomer('ratelimit-other');
    expect((await call(b.url, 'CreateCart', {}, other.token)).status).toBe(200);
  });

  it('holds one budget across two replicas sharing Redis: 4 carts of 6 requests alternating between them', async () => {
    // A key prefix of this run's own, so parallel runs on the same Redis never share a budget.
    const shared = {
      BFF_RATE_LIMIT_PER_IP: '0',
      BFF_RATE_LIMIT_PER_CREDENTIAL: '4',
      REDIS_URL,
      REDIS_KEY_PREFIX: `sgtest-${process.pid}-${Date.now().toString(36)}`,
    };
    const a = await bffWith(shared);
    const b = await bffWith(shared);
    const me = await testCustomer('ratelimit-redis');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await call(i % 2 === 0 ? a.url : b.url, 'CreateCart', {}, me.token));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429]);
    // 2 spent on a and 2 on b make 4: each replica refuses the 5th and 6th, with Retry-After.
    expectLimited(answers[4]!);
    expectLimited(answers[5]!);
    expect(await cartsOf(me.sub)).toBe(4);
  });

  it('throttles starting guest sessions per address', async () => {
    const b = await bffWith({ BFF_RATE_LIMIT_SIGN_IN: '3' });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(b.url.replace('/graphql', '/auth/guest'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('counts SignIn operations against the same session budget, before any password is checked', async () => {
    const b = await bffWith({ BFF_RATE_LIMIT_SIGN_IN: '3' });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(b.url, 'SignIn', { input: { email: `nobody-${i}@test.example`, password: 'not a password at all' } }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.slice(0, 3).map((a) => a.json.data.signIn.__typename)).toEqual(['SignInFailed', 'SignInFailed', 'SignInFailed']);
    expect(answers[3]!.json.errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});

describe('limits on ad-hoc documents (development BFF, ad-hoc queries allowed)', () => {
  // The shared test system's BFFs run as production does (no ad-hoc documents): a development one of its own.
  let dev: Awaited<ReturnType<typeof startDevelopmentB2c>>;
  beforeAll(async () => {
    dev = await startDevelopmentB2c();
  });
  afterAll(async () => {
    await dev?.close();
  });
  const adhoc = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(dev.url, {
      method: 'POST',
      // graphql-response+json: its 400 for a document over a limit (plain application/json would get 200).
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-publishable-key': KEY },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('refuses 31 aliases with QUERY_TOO_COMPLEX (limit aliases), and allows 30', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `c${i}: currentChannel { code }`).join(' ')} }`;
    const over = await adhoc(aliased(31));
    expect(over.status).toBe(400);
    expect(over.json.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 30 });
    const within = await adhoc(aliased(30));
    expect(within.status).toBe(200);
    expect(within.json.data.c29.code).toBe('web-eu');
  });

  it('refuses a page of 100 products spreading a fragment 40 times (cost 1 + 100 × (1 + 40 × 3) = 12,101 > 10,000)', async () => {
    const query = `query Q($n: Int!) { products(first: $n) { nodes { ${'...F '.repeat(40)}} } } fragment F on Product { id name slug }`;
    const over = await adhoc(query, { n: 100 });
    expect(over.status).toBe(400);
    expect(over.json.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 10_000 });
    expect(over.json.errors[0].message).toBe('query cost 12101 is over 10000');
    // The same document for a page of 2 costs 1 + 2 × 121 = 243 and runs.
    const small = await adhoc(query, { n: 2 });
    expect(small.status).toBe(200);
    expect(small.json.data.products.nodes).toHaveLength(2);
  });

  it('refuses a document of more than 5,000 tokens with QUERY_TOO_COMPLEX (limit tokens)', async () => {
    const res = await adhoc(`{ ${'id '.repeat(5001)}}`);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
  });

  it('refuses a body over 256 KB with 413 and closes the connection', async () => {
    const res = await fetch(system().b2c, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-publishable-key': KEY },
      body: JSON.stringify({ operationName: 'CurrentChannel', variables: { pad: 'x'.repeat(300 * 1024) } }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});
