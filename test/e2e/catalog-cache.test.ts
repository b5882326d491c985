import { describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { signedContext, system } from '../support/clients.ts';

async function cacheControl(url: string, query: string, extra: Record<string, unknown> = {}) {
  const token = await signedContext('web-eu', extra);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: token }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
  return res.headers.get('cache-control');
}

const CATALOG = '{ products(first: 3) { nodes { id name brand { name } variants { sku options { name value } } media { alt } } } }';

describe('cache hints for catalog reads', () => {
  it('marks an anonymous catalog read public for a minute, at the products subgraph and through the gateway', async () => {
    expect(await cacheControl(system().products, CATALOG)).toBe('max-age=60, public');
    expect(await cacheControl(system().gateway, CATALOG)).toBe('max-age=60, public');
  });

  it('keeps a signed-in customer’s read private', async () => {
    expect(await cacheControl(system().products, CATALOG, { customerId: 'cus_anna' })).toBe('max-age=60, private');
    expect(await cacheControl(system().gateway, CATALOG, { customerId: 'cus_anna' })).toBe('max-age=60, private');
  });

  it('never lets a staff read be cached', async () => {
    const staff = { staff: { id: 'stf_x', roles: ['catalog-admin' as const], channels: ['*'] } };
    expect(await cacheControl(system().products, CATALOG, staff)).toBe('no-store');
    expect(await cacheControl(system().gateway, CATALOG, staff)).toBe('no-store');
  });
});
