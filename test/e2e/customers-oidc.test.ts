import { describe, expect, it } from 'vitest';
import { system } from '../support/clients.ts';
import { data, one, op } from './checkout-support.ts';
import { freshEmail, lastEvent, signUp } from './customers-support.ts';

/**
 * An external OpenID Connect provider beside the built-in accounts: the BFF verifies its tokens against its
 * JWKS and the customers subgraph maps the provider's user to an account of the channel's realm.
 */
async function providerToken(claims: { sub: string; email: string; email_verified?: boolean; name?: string }) {
  const res = await fetch(`${system().oidcProvider}/__standin/token`, { method: 'POST', body: JSON.stringify(claims) });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('an external identity provider', () => {
  it("makes an account on a provider user's first visit and finds the same one on the next", async () => {
    const email = freshEmail('oidc');
    const token = await providerToken({ sub: `idp|${email}`, email, email_verified: true, name: 'Ida Provider' });
    const me = data(await op('b2c', 'Me', {}, { token })).me;
    expect(me).toMatchObject({ email, name: 'Ida Provider', emailVerified: true });
    const again = data(await op('b2c', 'Me', {}, { token: await providerToken({ sub: `idp|${email}`, email, email_verified: true }) })).me;
    expect(again.id).toBe(me.id);
    const { n } = await one<{ n: number }>((sql) => sql`select count(*)::int as n from customers.external_identities where account_id = ${me.id}`);
    expect(n).toBe(1);
  });

  it('links an email both sides verified to the existing account, and nothing less', async () => {
    const email = freshEmail('oidc-link');
    const local = await signUp(email);
    const unverified = await op('b2c', 'Me', {}, { token: await providerToken({ sub: `idp-u|${email}`, email, email_verified: false }) });
    expect(unverified.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // The provider verified the address, but the local account never did: whoever signed up with it first
    // may not be its owner, so no link either.
    const notYet = await op('b2c', 'Me', {}, { token: await providerToken({ sub: `idp-v|${email}`, email, email_verified: true }) });
    expect(notYet.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const mail = await lastEvent(local.customerId, 'customer.email_verification_requested');
    expect(data(await op('b2c', 'VerifyEmail', { token: mail!.token! })).verifyEmail.__typename).toBe('EmailVerified');
    const linked = data(await op('b2c', 'Me', {}, { token: await providerToken({ sub: `idp-v|${email}`, email, email_verified: true }) })).me;
    expect(linked.id).toBe(local.customerId);
  });

  it('starts a new account for a provider user whose account was erased', async () => {
    const email = freshEmail('oidc-erased');
    const sub = `idp|${email}`;
    const first = data(await op('b2c', 'Me', {}, { token: await providerToken({ sub, email, email_verified: true }) })).me;
    expect(data(await op('b2c', 'EraseMyAccount', {}, { token: await providerToken({ sub, email, email_verified: true }) })).eraseMyAccount).toBe(true);
    const { n } = await one<{ n: number }>((sql) => sql`select count(*)::int as n from customers.external_identities where account_id = ${first.id}`);
    expect(n).toBe(0);
    const next = data(await op('b2c', 'Me', {}, { token: await providerToken({ sub, email, email_verified: true }) })).me;
    expect(next.id).not.toBe(first.id);
    expect(next.email).toBe(email);
  });

  it('refuses a token the provider did not sign, or one that expired', async () => {
    const email = freshEmail('oidc-forged');
    const good = await providerToken({ sub: `idp|${email}`, email, email_verified: true });
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${'A'.repeat(86)}`;
    const res = await op('b2c', 'Me', {}, { token: forged });
    expect(res.status).toBe(401);
    const expired = await fetch(`${system().oidcProvider}/__standin/token`, {
      method: 'POST',
      body: JSON.stringify({ sub: `idp|${email}`, email, email_verified: true, ttl: '-1m' }),
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    expect((await op('b2c', 'Me', {}, { token: expired })).status).toBe(401);
  });
});
