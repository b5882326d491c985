import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { startProductionB2c, type RunningTestBff } from '../support/production-bff.ts';

/**
 * A BFF with METRICS_PORT serves /metrics there and only there: the public port is what the ingress routes, and
 * a shopper must not read operation names, error rates and pool use off it. (Without METRICS_PORT the public port
 * answers /metrics, as test/ops/telemetry.test.ts shows.)
 */
let b2c: RunningTestBff;

beforeAll(async () => {
  b2c = await startProductionB2c({ METRICS_PORT: '0' });
});

afterAll(async () => {
  await b2c?.close();
});

describe('a BFF with METRICS_PORT', () => {
  it('answers /metrics on the internal port only, counting what the public port served', async () => {
    const publicBase = b2c.url.replace(/\/graphql$/, '');
    expect(b2c.metricsPort).toBeGreaterThan(0);
    expect(b2c.metricsPort).not.toBe(b2c.port);
    const internal = `http://127.0.0.1:${b2c.metricsPort}`;

    // One cart created by a guest through the public port: one CreateCart answered 200.
    const guest = await fetch(`${publicBase}/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { accessToken } = (await guest.json()) as { accessToken: string };
    const created = await fetch(b2c.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-eu']! },
      body: JSON.stringify({ operationName: 'CreateCart', variables: {} }),
    });
    expect(created.status).toBe(200);
    expect(((await created.json()) as { data: { createCart: { id: string } } }).data.createCart.id).toMatch(/\S/);

    const onPublic = await fetch(`${publicBase}/metrics`);
    expect(onPublic.status).toBe(404);
    expect(((await onPublic.json()) as { errors: { extensions: { code: string } }[] }).errors.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);

    const scraped = await fetch(`${internal}/metrics`);
    expect(scraped.status).toBe(200);
    const lines = (await scraped.text()).split('\n');
    // This file's worker runs this one BFF: the one cart is the one count.
    expect(lines.filter((l) => l.startsWith('storegraph_requests_total{service="bff-b2c",operation="CreateCart"'))).toEqual([
      'storegraph_requests_total{service="bff-b2c",operation="CreateCart",status="200"} 1',
    ]);

    // The internal port serves nothing else: no GraphQL, no sign-in.
    for (const [path, method] of [
      ['/graphql', 'POST'],
      ['/auth/guest', 'POST'],
      ['/healthz', 'GET'],
    ] as const) {
      const res = await fetch(`${internal}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});
