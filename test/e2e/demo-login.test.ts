import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, system } from '../support/clients.ts';
import { startDevelopmentB2c } from '../support/development-front-door.ts';

/**
 * The demo identity provider (POST /auth/demo-login), a development convenience: the shared test system's
 * BFFs run as production does and refuse it, so it is tested here on a development B2C BFF of its own. No
 * other test signs in through it.
 */
describe('demo login on a development BFF', () => {
  let dev: Awaited<ReturnType<typeof startDevelopmentB2c>>;
  beforeAll(async () => {
    dev = await startDevelopmentB2c();
  });
  afterAll(async () => {
    await dev?.close();
  });

  const login = (email: string) =>
    fetch(dev.url.replace(/\/graphql$/, '/auth/demo-login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });

  it('issues a bearer token for a demo customer that signs her in: MyOrders shows her three seeded orders', async () => {
    const res = await login('anna@example.com');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accessToken: string; tokenType: string };
    expect(body.tokenType).toBe('Bearer');
    const orders = await postGraphQL(dev.url, { operationName: 'MyOrders', variables: { first: 10 } }, { authorization: `Bearer ${body.accessToken}` });
    expect(orders.errors).toBeUndefined();
    expect(orders.data.myOrders.nodes.map((o: { id: string }) => o.id).sort()).toEqual(['ord_1001', 'ord_1002', 'ord_1003']);
  });

  it('knows no one else: an unknown email and another BFF’s user are 404 NOT_FOUND', async () => {
    for (const email of ['nobody@example.com', 'buyer@acme.example']) {
      const res = await login(email);
      expect(res.status, email).toBe(404);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code, email).toBe('NOT_FOUND');
    }
  });

  it('is off on the test system’s BFFs, as in production', async () => {
    for (const which of ['b2c', 'b2b', 'pos'] as const) {
      const res = await fetch(system()[which].replace(/\/graphql$/, '/auth/demo-login'), {
        method: 'POST',
        // The same well-formed request the development BFF answers with a token: the 404 is the route's.
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'anna@example.com' }),
      });
      expect(res.status, which).toBe(404);
    }
  });
});
