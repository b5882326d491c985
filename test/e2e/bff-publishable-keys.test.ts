import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { postGraphQL, signedContext, system, tokenFor } from '../support/clients.ts';
import { startProductionB2c, type RunningTestBff } from '../support/production-bff.ts';

const CATALOG_ADMIN = { id: 'stf_keys_test', roles: ['catalog-admin' as const], channels: ['*'] };

async function asCatalogAdmin(query: string, variables: Record<string, unknown>) {
  const res = await postGraphQL(system().gateway, { query, variables }, { [CONTEXT_HEADER]: await signedContext('web-us', { staff: CATALOG_ADMIN }) });
  expect(res.errors).toBeUndefined();
  return res.data;
}

const issue = async (channel: string): Promise<string> =>
  (await asCatalogAdmin('mutation($c: ID!) { issuePublishableKey(channel: $c) { token channel { code } } }', { c: channel })).issuePublishableKey.token;

const currentChannel = (url: string, headers: Record<string, string>) => postGraphQL(url, { operationName: 'CurrentChannel' }, headers);

/** The storefront's channel comes from its publishable key; in production nothing else picks it. */
describe('publishable keys on the B2C BFF (production mode)', () => {
  let b2c: RunningTestBff;
  beforeAll(async () => {
    b2c = await startProductionB2c();
  });
  afterAll(async () => {
    await b2c?.close();
  });

  it('puts a shopper in the channel its key names: web-us in USD, web-eu in EUR', async () => {
    const us = await currentChannel(b2c.url, { 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-us']! });
    expect(us.status).toBe(200);
    expect(us.data.currentChannel).toMatchObject({ code: 'web-us', currency: 'USD' });
    const eu = await currentChannel(b2c.url, { 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-eu']! });
    expect(eu.data.currentChannel).toMatchObject({ code: 'web-eu', currency: 'EUR' });
  });

  it('refuses a request without a key, and the unsigned channel header no longer picks one', async () => {
    const none = await currentChannel(b2c.url, {});
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe('PUBLISHABLE_KEY_REQUIRED');
    const header = await currentChannel(b2c.url, { 'x-storefront-channel': 'web-us' });
    expect(header.status).toBe(401);
    expect(header.errors?.[0]?.extensions?.code).toBe('PUBLISHABLE_KEY_REQUIRED');
  });

  it('refuses an unknown key, and a malformed one, with INVALID_PUBLISHABLE_KEY', async () => {
    for (const key of ['pk_00000000000000000000000000000000', 'not-a-key', `pk_${'a'.repeat(500)}`]) {
      const res = await currentChannel(b2c.url, { 'x-publishable-key': key });
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('INVALID_PUBLISHABLE_KEY');
    }
  });

  it('a signed-in customer is in the channel of the storefront key they came through', async () => {
    const res = await currentChannel(b2c.url, {
      'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-us']!,
      authorization: `Bearer ${await tokenFor('ben@example.com')}`,
    });
    expect(res.data.currentChannel.code).toBe('web-us');
  });

  it('serves a newly issued key at once and refuses it within two seconds of its revocation', async () => {
    const token = await issue('web-us');
    expect(token).toMatch(/^pk_[0-9a-f]{32}$/);
    const before = await currentChannel(b2c.url, { 'x-publishable-key': token });
    expect(before.data?.currentChannel.code).toBe('web-us');
    const revoked = await asCatalogAdmin('mutation($t: ID!) { revokePublishableKey(token: $t) { revokedAt } }', { t: token });
    expect(revoked.revokePublishableKey.revokedAt).not.toBeNull();
    // The catalog's change reaches the BFF over the gateway's change stream (milliseconds); 2 s is generous.
    const deadline = Date.now() + 2000;
    let after = await currentChannel(b2c.url, { 'x-publishable-key': token });
    while (after.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      after = await currentChannel(b2c.url, { 'x-publishable-key': token });
    }
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('INVALID_PUBLISHABLE_KEY');
    // The demo key of the same channel is untouched.
    expect((await currentChannel(b2c.url, { 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-us']! })).status).toBe(200);
  });

  it('issues keys only for storefront channels, and only to catalog admins of that channel', async () => {
    const trade = await postGraphQL(
      system().gateway,
      { query: 'mutation { issuePublishableKey(channel: "trade-eu") { token } }' },
      { [CONTEXT_HEADER]: await signedContext('web-us', { staff: CATALOG_ADMIN }) },
    );
    expect(trade.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const outOfScope = await postGraphQL(
      system().gateway,
      { query: 'mutation { issuePublishableKey(channel: "web-eu") { token } }' },
      { [CONTEXT_HEADER]: await signedContext('web-us', { staff: { id: 'stf_us', roles: ['catalog-admin'], channels: ['web-us'] } }) },
    );
    expect(outOfScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an anonymous caller cannot list keys or look up another channel through the gateway without a service context', async () => {
    const res = await postGraphQL(
      system().gateway,
      { query: 'query($t: String!) { publishableKey(token: $t) { channel { code } } }', variables: { t: DEMO_PUBLISHABLE_KEYS['web-eu'] } },
      { [CONTEXT_HEADER]: await signedContext('web-us') },
    );
    expect(res.data.publishableKey).toBeNull();
  });
});
