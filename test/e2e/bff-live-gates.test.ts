import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import { parse, print } from 'graphql';
import WebSocket from 'ws';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { startProductionB2c, type RunningTestBff } from '../support/production-bff.ts';
import { startDevelopmentB2c } from '../support/development-front-door.ts';
import { sellable, testCustomer } from './checkout-support.ts';
import { HAMBURG, receive } from './stock-support.ts';

/**
 * graphql-ws on a production B2C BFF passes the HTTP edge's gates: the live allow-list, the publishable key
 * and bearer token (in connection params), the budgets per address and per credential, and a cap on the
 * subscriptions one connection holds. Each test starts a BFF of its own, so its budgets are its own.
 */
const KEY = DEMO_PUBLISHABLE_KEYS['web-eu']!;
// The listed text of bffs/kit/src/live-operations.graphql, as a client that bundles it would send it.
const WATCH = 'subscription WatchAvailability($variantIds: [ID!]!) { availabilityChanged(variantIds: $variantIds) { variantId available inStock } }';
type Rows = { availabilityChanged: { variantId: string; available: number; inStock: boolean }[] };

const started: RunningTestBff[] = [];
const clients: Client[] = [];
async function bffWith(env: NodeJS.ProcessEnv = {}) {
  const b = await startProductionB2c({ BFF_RATE_LIMIT_WINDOW_SECONDS: '60', ...env });
  started.push(b);
  return b;
}
function client(b: { url: string }, connectionParams: Record<string, string>) {
  const c = createClient({ url: b.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
  clients.push(c);
  return c;
}
/** Subscribes by name: graphql-ws requires `query` to be a string, so a by-name request sends an empty one. */
function watchByName(c: Client, variantIds: string[]) {
  return c.iterate<Rows>({ query: '', operationName: 'WatchAvailability', variables: { variantIds } });
}
/** The first answer of a subscription refused with GraphQL errors: graphql-ws rejects with the error list. */
async function refusedWith(it: AsyncIterableIterator<unknown>) {
  const errors = (await it.next().then(
    () => {
      throw new Error('the subscription was not refused');
    },
    (e: unknown) => e,
  )) as { message: string; extensions: Record<string, unknown> }[];
  expect(Array.isArray(errors)).toBe(true);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

let variantId: string;
beforeAll(async () => {
  // A variant of this file's own: 6 units in Hamburg, which web-eu sells from.
  variantId = await sellable({ eur: 1000, stock: 6 });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  for (const b of started) await b.close();
});

describe('graphql-ws through the HTTP edge’s gates (production B2C BFF)', () => {
  it('streams the listed subscription sent by name, with the storefront’s publishable key in the connection params', async () => {
    const b = await bffWith();
    const updates = watchByName(client(b, { 'x-publishable-key': KEY }), [variantId]);
    try {
      expect((await updates.next()).value).toEqual({ data: { availabilityChanged: [{ variantId, available: 6, inStock: true }] } });
      // 6 + 4 received = 10
      await receive(variantId, HAMBURG, 4);
      expect((await updates.next()).value).toEqual({ data: { availabilityChanged: [{ variantId, available: 10, inStock: true }] } });
    } finally {
      await updates.return?.();
    }
  });

  it('runs the listed subscription by its persisted hash and as its text', async () => {
    const b = await bffWith();
    const c = client(b, { 'x-publishable-key': KEY });
    const sha256Hash = createHash('sha256')
      .update(print(parse(WATCH)))
      .digest('hex');
    const byHash = c.iterate<Rows>({ query: '', variables: { variantIds: [variantId] }, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    const byText = c.iterate<Rows>({ query: WATCH, variables: { variantIds: [variantId] } });
    try {
      for (const updates of [byHash, byText]) {
        const rows = (await updates.next()).value!.data!.availabilityChanged;
        expect(rows).toHaveLength(1);
        expect(rows[0]!.variantId).toBe(variantId);
      }
    } finally {
      await byHash.return?.();
      await byText.return?.();
    }
  });

  it('refuses an ad-hoc subscription document with OPERATION_NOT_ALLOWED, and an unknown name with PERSISTED_QUERY_NOT_FOUND', async () => {
    const b = await bffWith();
    const c = client(b, { 'x-publishable-key': KEY });
    const adhoc = await refusedWith(c.iterate({ query: 'subscription { availabilityChanged(variantIds: ["var_0001_1"]) { variantId available } }' }));
    expect(adhoc.extensions.code).toBe('OPERATION_NOT_ALLOWED');
    const unknown = await refusedWith(c.iterate({ query: '', operationName: 'WatchEverything' }));
    expect(unknown.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('closes a storefront connection without a publishable key with 4403 naming PUBLISHABLE_KEY_REQUIRED', async () => {
    const b = await bffWith();
    await expect(watchByName(client(b, {}), [variantId]).next()).rejects.toMatchObject({
      code: 4403,
      reason: expect.stringMatching(/^PUBLISHABLE_KEY_REQUIRED: /),
    });
  });

  it('spends the address’s budget on the connection and each subscribe: of 3 per window the 3rd subscribe is RATE_LIMITED, and a new connection closes with 4429', async () => {
    const b = await bffWith({ BFF_RATE_LIMIT_PER_IP: '3' });
    const c = client(b, { 'x-publishable-key': KEY });
    // connection 1 + subscribe 1 + subscribe 1 = 3 of 3
    const first = watchByName(c, [variantId]);
    const second = watchByName(c, [variantId]);
    try {
      expect((await first.next()).value!.data!.availabilityChanged[0]!.variantId).toBe(variantId);
      expect((await second.next()).value!.data!.availabilityChanged[0]!.variantId).toBe(variantId);
      const refused = await refusedWith(watchByName(c, [variantId]));
      expect(refused.extensions.code).toBe('RATE_LIMITED');
      const seconds = refused.extensions.retryAfterSeconds as number;
      expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
      expect(refused.message).toBe(`too many requests from this address: retry in ${seconds} s`);
    } finally {
      await first.return?.();
      await second.return?.();
    }
    const closed = watchByName(client(b, { 'x-publishable-key': KEY }), [variantId]).next();
    await expect(closed).rejects.toMatchObject({
      code: 4429,
      reason: expect.stringMatching(/^RATE_LIMITED: too many requests from this address: retry in \d+ s$/),
    });
  });

  it('spends a signed-in customer’s budget from any connection: of 2 per window the 2nd subscribe and a 2nd connection are refused', async () => {
    const b = await bffWith({ BFF_RATE_LIMIT_PER_IP: '0', BFF_RATE_LIMIT_PER_CREDENTIAL: '2' });
    const me = await testCustomer('live-budget');
    const params = { 'x-publishable-key': KEY, authorization: `Bearer ${me.token}` };
    const c = client(b, params);
    // connection 1 + subscribe 1 = 2 of 2
    const first = watchByName(c, [variantId]);
    try {
      expect((await first.next()).value!.data!.availabilityChanged[0]!.variantId).toBe(variantId);
      const refused = await refusedWith(watchByName(c, [variantId]));
      expect(refused.extensions.code).toBe('RATE_LIMITED');
      expect(refused.message).toMatch(/^too many requests for this account: retry in \d+ s$/);
    } finally {
      await first.return?.();
    }
    await expect(watchByName(client(b, params), [variantId]).next()).rejects.toMatchObject({ code: 4429 });
    // Another customer, from the same address, has a budget of their own.
    const other = await testCustomer('live-budget-other');
    const theirs = watchByName(client(b, { 'x-publishable-key': KEY, authorization: `Bearer ${other.token}` }), [variantId]);
    expect((await theirs.next()).value!.data!.availabilityChanged[0]!.variantId).toBe(variantId);
    await theirs.return?.();
  });

  it('holds at most BFF_LIVE_MAX_SUBSCRIPTIONS (2) subscriptions on one connection: the 3rd is TOO_MANY_SUBSCRIPTIONS until one completes', async () => {
    const b = await bffWith({ BFF_LIVE_MAX_SUBSCRIPTIONS: '2' });
    const c = client(b, { 'x-publishable-key': KEY });
    const first = watchByName(c, [variantId]);
    const second = watchByName(c, [variantId]);
    expect((await first.next()).value!.data!.availabilityChanged).toHaveLength(1);
    expect((await second.next()).value!.data!.availabilityChanged).toHaveLength(1);
    const refused = await refusedWith(watchByName(c, [variantId]));
    expect(refused.extensions).toEqual({ code: 'TOO_MANY_SUBSCRIPTIONS', max: 2 });
    await first.return?.();
    // The client's complete message reaches the server before the next subscribe on the same socket.
    const third = watchByName(c, [variantId]);
    expect((await third.next()).value!.data!.availabilityChanged).toHaveLength(1);
    await second.return?.();
    await third.return?.();
  });
});

describe('graphql-ws in development (ad-hoc documents allowed)', () => {
  it('runs an ad-hoc subscription document, and refuses one the live schema does not validate with GRAPHQL_VALIDATION_FAILED', async () => {
    const dev = await startDevelopmentB2c();
    try {
      // The development storefront takes its channel from x-storefront-channel (web-eu by default).
      const c = client(dev, {});
      const adhoc = c.iterate<Rows>({ query: `subscription { availabilityChanged(variantIds: ["${variantId}"]) { variantId inStock } }` });
      expect((await adhoc.next()).value).toEqual({ data: { availabilityChanged: [{ variantId, inStock: true }] } });
      await adhoc.return?.();
      const invalid = await refusedWith(c.iterate({ query: `subscription { availabilityChanged(variantIds: ["${variantId}"]) { price } }` }));
      expect(invalid.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(invalid.message).toBe('Cannot query field "price" on type "VariantAvailability".');
    } finally {
      await dev.close();
    }
  });
});
