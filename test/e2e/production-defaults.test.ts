import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '@storegraph/gateway';
import { startB2cBff } from '@storegraph/bff-b2c';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { postGraphQL, signedContext, subgraphUrls, system } from '../support/clients.ts';

/** In production the storefront's channel comes only from its publishable key. */
const KEY = { 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-eu']! };

/** A gateway and a B2C BFF started as production would: no IDE, no introspection, allow-list enforced. */
describe('production defaults', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let b2c: Awaited<ReturnType<typeof startB2cBff>>;

  beforeAll(async () => {
    const s = system();
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      STOREGRAPH_CONTEXT_SECRET: s.contextSecret,
      STOREGRAPH_IDP_SECRET: s.idpSecret,
      GATEWAY_PORT: '0',
      B2C_PORT: '0',
      ...subgraphUrls(),
    };
    gateway = await startGateway(env);
    b2c = await startB2cBff({ ...env, GATEWAY_URL: gateway.url });
  });
  afterAll(async () => {
    await b2c?.close();
    await gateway?.close();
  });

  it('refuses introspection at the gateway and serves no IDE page', async () => {
    const res = await postGraphQL(gateway.url, { query: '{ __schema { types { name } } }' }, { [CONTEXT_HEADER]: await signedContext('web-eu') });
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
  });

  it('runs an allow-listed operation by name and refuses an ad-hoc query', async () => {
    const listed = await postGraphQL(b2c.url, { operationName: 'ProductListing', variables: { first: 2 } }, KEY);
    expect(listed.errors).toBeUndefined();
    expect(listed.data.products.nodes).toHaveLength(2);
    const adhoc = await postGraphQL(b2c.url, { query: '{ products(first: 100) { nodes { id variants { sku } } } }' }, KEY);
    expect(adhoc.status).toBe(403);
    expect(adhoc.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
  });

  it('serves anonymous readers from the cache even when they ask to bypass it', async () => {
    for (let i = 0; i < 50; i++) {
      const res = await fetch(b2c.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...KEY },
        body: JSON.stringify({ operationName: 'CurrentChannel' }),
      });
      if (res.headers.get('x-cache') === 'HIT') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const forced = await fetch(b2c.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', ...KEY },
      body: JSON.stringify({ operationName: 'CurrentChannel' }),
    });
    expect(forced.headers.get('x-cache')).toBe('HIT');
  });

  it('refuses the demo login', async () => {
    const res = await fetch(b2c.url.replace('/graphql', '/auth/demo-login'), { method: 'POST', body: JSON.stringify({ email: 'anna@example.com' }) });
    expect(res.status).toBe(404);
  });

  it('refuses to start without secrets', async () => {
    await expect(startGateway({ NODE_ENV: 'production', GATEWAY_PORT: 'not-a-port' })).rejects.toThrow(/GATEWAY_PORT/);
    await expect(startB2cBff({ NODE_ENV: 'production', B2C_PORT: '0' })).rejects.toThrow(/STOREGRAPH_CONTEXT_SECRET|STOREGRAPH_IDP_SECRET/);
  });
});
