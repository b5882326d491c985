import { describe, expect, it } from 'vitest';
import type { ChannelContext } from '@storegraph/schema';
import { ReadRouter } from './read-routing.ts';

const shopper = { channel: 'web-eu' } as ChannelContext;
const staff = { channel: 'web-eu', staff: { id: 'stf_1', grants: [{ permissions: ['viewer'], channels: ['*'] }] } } as ChannelContext;
const router = new ReadRouter({ rootFields: ['products', 'product', '_entities'] });
const body = (query: string, operationName?: string) => ({ query, operationName });

describe('which requests a subgraph may answer from its read replica', () => {
  it('lets a storefront query of listed root fields go to the replica, when the gateway marked it', () => {
    expect(router.replicaMay('replica', 'bff-b2c', shopper, body('{ products(first: 2) { nodes { id } } }'))).toBe(true);
    expect(router.replicaMay('replica', 'bff-pos', shopper, body('query Q($r: [_Any!]!) { _entities(representations: $r) { __typename } }'))).toBe(true);
    expect(router.replicaMay('replica', 'bff-b2b', shopper, body('query A { product(slug: "x") { id } __typename }', 'A'))).toBe(true);
  });

  it('keeps everything else on the primary', () => {
    const listing = body('{ products(first: 2) { nodes { id } } }');
    // not marked by the gateway (a mutation's follow-up read, or a service calling directly)
    expect(router.replicaMay(undefined, 'bff-b2c', shopper, listing)).toBe(false);
    // staff read what they just wrote; the checkout, identity lookups and the admin BFF read their writes
    expect(router.replicaMay('replica', 'bff-b2c', staff, listing)).toBe(false);
    for (const issuer of ['svc-orders', 'svc-customers', 'bff-identity', 'bff-admin', 'test'])
      expect(router.replicaMay('replica', issuer, shopper, listing)).toBe(false);
    // a root field the subgraph does not list, a mutation, a root fragment, a document that does not parse
    expect(router.replicaMay('replica', 'bff-b2c', shopper, body('{ products(first: 1) { nodes { id } } publishableKeys { token } }'))).toBe(false);
    expect(router.replicaMay('replica', 'bff-b2c', shopper, body('mutation { products }'))).toBe(false);
    expect(router.replicaMay('replica', 'bff-b2c', shopper, body('query { ...F } fragment F on Query { products { nodes { id } } }'))).toBe(false);
    expect(router.replicaMay('replica', 'bff-b2c', shopper, body('{ products('))).toBe(false);
    // two operations and no name: which one runs is not known here
    expect(router.replicaMay('replica', 'bff-b2c', shopper, body('query A { product { id } } mutation B { x }'))).toBe(false);
    expect(router.replicaMay('replica', 'bff-b2c', shopper, body('query A { product { id } } mutation B { x }', 'B'))).toBe(false);
  });
});
