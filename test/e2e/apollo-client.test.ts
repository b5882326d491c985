import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client as UrqlClient, cacheExchange, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { loadAllowList } from '@storegraph/bff-kit';
import { startProductionB2c, type RunningTestBff } from '../support/production-bff.ts';
import {
  AddCartLinesDocument,
  CreateCartDocument,
  PlaceOrderDocument,
  ProductListingDocument,
  ProductPageDocument,
  SetCartDetailsDocument,
} from '../../bffs/b2c/src/operations.generated.ts';
import { BERLIN_ADDRESS, key, sellable } from './checkout-support.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The storefront's documents as a client project holds them: the B2C BFF's allow-listed operations,
 * written on one line each (a client's formatting is its own).
 */
const OPS = Object.fromEntries(
  [
    ...loadAllowList(
      `${readFileSync(new URL('../../bffs/b2c/src/operations.graphql', import.meta.url), 'utf8')}\n${readFileSync(new URL('../../bffs/kit/src/shared-operations.graphql', import.meta.url), 'utf8')}`,
    ).values(),
  ].map((op) => [op.name, gql(op.query.replace(/\s+/g, ' '))]),
);

interface Sent {
  method: string;
  query?: string;
  extensions?: { persistedQuery?: unknown };
  status?: number;
}

/** Every request a client sends (POST body or GET parameters) and the status it got, to see what went over the wire. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const method = init?.method ?? 'GET';
    const params = new URL(String(input)).searchParams;
    const fields =
      typeof init?.body === 'string'
        ? JSON.parse(init.body)
        : { query: params.get('query') ?? undefined, extensions: params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined };
    const res = await fetch(input, init);
    sent.push({ method, ...fields, status: res.status });
    return res;
  };
}

async function guestToken(url: string): Promise<string> {
  const res = await fetch(url.replace(/\/graphql$/, '/auth/guest'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe('real GraphQL clients with their defaults against a production B2C BFF (allow-list enforced)', () => {
  let b2c: RunningTestBff;
  const headers = { 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-eu']! };
  beforeAll(async () => {
    b2c = await startProductionB2c();
  });
  afterAll(async () => {
    await b2c?.close();
  });

  it('Apollo Client with InMemoryCache (which adds __typename everywhere) runs the listing, a product page and a guest checkout', async () => {
    const variantId = await sellable({ eur: 1990, stock: 5 });
    let token: string | undefined;
    const auth = new ApolloLink((operation, forward) => {
      operation.setContext(({ headers: h = {} }: { headers?: Record<string, string> }) => ({
        headers: { ...h, ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      }));
      return forward(operation);
    });
    const client = new ApolloClient({ cache: new InMemoryCache(), link: auth.concat(new HttpLink({ uri: b2c.url })) });

    // Typed documents generated from the supergraph (npm run codegen): data and variables are checked by tsc.
    const listing = await client.query({ query: ProductListingDocument, variables: { first: 3 } });
    expect(listing.error).toBeUndefined();
    const nodes = listing.data!.products.nodes;
    expect(nodes).toHaveLength(3);
    expect((nodes[0] as { __typename?: string }).__typename).toBe('Product');

    const page = await client.query({ query: ProductPageDocument, variables: { slug: nodes[0]!.slug } });
    expect(page.data!.product!.id).toBe(nodes[0]!.id);
    expect((page.data!.product!.variants[0] as { __typename?: string }).__typename).toBe('Variant');

    token = await guestToken(b2c.url);
    const cart = (await client.mutate({ mutation: CreateCartDocument, variables: { email: 'apollo@example.com' } })).data!.createCart;
    await client.mutate({ mutation: AddCartLinesDocument, variables: { cartId: cart.id, lines: [{ variantId, quantity: 2 }] } });
    const ready = (
      await client.mutate({
        mutation: SetCartDetailsDocument,
        variables: { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'express' } },
      })
    ).data!.setCartDetails;
    // 2 × 19.90 + express 12.90 = 52.70 EUR
    expect(ready.problems).toEqual([]);
    expect(ready.totals?.total).toEqual({ amount: 5270, currency: 'EUR', __typename: 'Money' });
    const placed = (
      await client.mutate({
        mutation: PlaceOrderDocument,
        variables: {
          input: { cartId: cart.id, idempotencyKey: key('apollo'), expectedTotal: { amount: 5270, currency: 'EUR' }, payment: { provider: 'manual' } },
        },
      })
    ).data!.placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    if (placed.__typename !== 'OrderPlaced') throw new Error(placed.__typename);
    expect(placed.order.total).toMatchObject({ amount: 5270, currency: 'EUR' });
  });

  it("Apollo Client's persisted-queries link gets the listing and product page by hash alone, on the first try", async () => {
    const sent: Sent[] = [];
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: b2c.url, headers, fetch: recordingFetch(sent) })),
    });
    const listing = await client.query({ query: OPS.ProductListing!, variables: { first: 2 } });
    const slug = (listing.data as any).products.nodes[1].slug;
    const page = await client.query({ query: OPS.ProductPage!, variables: { slug } });
    expect((page.data as any).product.slug).toBe(slug);
    expect(sent).toHaveLength(2);
    for (const body of sent) {
      expect(body.query).toBeUndefined();
      expect(body.extensions?.persistedQuery).toMatchObject({ version: 1 });
    }
  });

  it("urql's persisted exchange: its first hash is unknown, its retry with the text registers it, and its next request is hash-only", async () => {
    const sent: Sent[] = [];
    const client = new UrqlClient({
      url: b2c.url,
      fetchOptions: { headers },
      fetch: recordingFetch(sent),
      preferGetMethod: false,
      exchanges: [cacheExchange, persistedExchange({ generateHash: async (q) => sha256(q) }), fetchExchange],
    });
    const first = await client.query(OPS.ProductListing!, { first: 2 }, { requestPolicy: 'network-only' }).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data.products.nodes).toHaveLength(2);
    const again = await client.query(OPS.ProductListing!, { first: 2 }, { requestPolicy: 'network-only' }).toPromise();
    expect(again.data.products.nodes).toEqual(first.data.products.nodes);
    // urql prints fragments its own way, so its hash is not one the BFF knows in advance (Apollo's is).
    expect(sent.map((b) => [typeof b.query === 'string', b.status])).toEqual([
      [false, 400],
      [true, 200],
      [false, 200],
    ]);
  });

  it('answers an unknown hash PersistedQueryNotFound, and remembers a hash sent with an allowed text for the next hash-only request', async () => {
    // An allowed document as some other client formats it: its hash is not one the BFF knows in advance.
    const text = `query CurrentChannel {\n\tcurrentChannel { code  currency }\n}`;
    const allowed = loadAllowList(readFileSync(new URL('../../bffs/kit/src/shared-operations.graphql', import.meta.url), 'utf8'));
    const listed = [...allowed.values()].find((o) => o.name === 'CurrentChannel')!;
    expect(listed.query.replace(/\s+/g, ' ')).not.toBe(text.replace(/\s+/g, ' ')); // a different selection is not allowed ...
    const own = listed.query.replace(/\n\s*/g, ' ');
    const hash = sha256(own);
    const post = (body: object) =>
      fetch(b2c.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as any,
      }));
    const persistedQuery = { version: 1, sha256Hash: hash };
    const unknown = await post({ extensions: { persistedQuery } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    const withText = await post({ query: own, extensions: { persistedQuery } });
    expect(withText.json.data.currentChannel.code).toBe('web-eu');
    const byHash = await post({ extensions: { persistedQuery } });
    expect(byHash.status).toBe(200);
    expect(byHash.json.data.currentChannel.code).toBe('web-eu');
    // ... and a hash that is not the text's own is not remembered.
    const forged = { version: 1, sha256Hash: sha256('something else') };
    expect((await post({ query: own, extensions: { persistedQuery: forged } })).status).toBe(200);
    expect((await post({ extensions: { persistedQuery: forged } })).status).toBe(400);
  });

  it('still refuses a document that is not allowed, however a client shapes it', async () => {
    const client = new ApolloClient({ cache: new InMemoryCache(), link: new HttpLink({ uri: b2c.url, headers }) });
    const res = await client.query({ query: gql('query Sneaky { products(first: 100) { nodes { id } } }'), errorPolicy: 'all' }).catch((e) => ({ error: e }));
    expect(JSON.stringify(res.error)).toContain('OPERATION_NOT_ALLOWED');
  });
});
