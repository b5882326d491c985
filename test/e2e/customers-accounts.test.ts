import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@storegraph/demo';
import { data, key, op, one, readyCart, sellable } from './checkout-support.ts';
import { eventCount, freshEmail, lastEvent, PASSWORD, signedIn, signIn, signUp } from './customers-support.ts';

/**
 * Accounts through the storefront BFF, by allow-listed operation name: sign-up, sign-in, sessions, mail
 * tokens, the address book, account realms, export and erasure. Each test makes its own accounts.
 */
describe('sign-up and email verification', () => {
  it('creates an account signed in at once, and verifies its email with a single-use token from the outbox', async () => {
    const email = freshEmail('signup');
    const s = await signUp(email.toUpperCase(), 'web-eu', 'Greta Gast');
    const me = data(await op('b2c', 'Me', {}, { token: s.token })).me;
    expect(me).toMatchObject({ id: s.customerId, email, name: 'Greta Gast', emailVerified: false, group: null, addresses: [], companyMembership: null });
    expect(await eventCount(s.customerId, 'customer.created')).toBe(1);
    const mail = await lastEvent(s.customerId, 'customer.email_verification_requested');
    expect(mail?.data.email).toBe(email);
    // The event names the token; only the mailer's table holds the secret, and only until it is used.
    expect(mail!.data.token).toBeUndefined();
    expect(mail!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const verified = data(await op('b2c', 'VerifyEmail', { token: mail!.token! })).verifyEmail;
    expect(verified).toEqual({ __typename: 'EmailVerified', customer: { id: s.customerId, emailVerified: true } });
    expect((await lastEvent(s.customerId, 'customer.email_verification_requested'))!.token).toBeUndefined();
    expect(data(await op('b2c', 'VerifyEmail', { token: mail!.token! })).verifyEmail.__typename).toBe('TokenInvalid');
  });

  it('refuses a malformed email, a 10 KB name and a weak password by field, and writes nothing', async () => {
    const email = freshEmail('bad');
    const cases = [
      [{ email: 'not-an-email', password: PASSWORD, name: 'X' }, 'email'],
      [{ email, password: PASSWORD, name: 'n'.repeat(121) }, 'name'],
      [{ email, password: 'short', name: 'X' }, 'password'],
      [{ email, password: 'qwertyuiop', name: 'X' }, 'password'],
    ] as const;
    for (const [input, field] of cases) {
      const res = data(await op('b2c', 'SignUp', { input })).signUp;
      expect(res.__typename).toBe('AccountInputInvalid');
      expect(res.field).toBe(field);
    }
    // 10 KB never reaches the subgraph: the BFF's input rule refuses any string over 10,000 characters.
    const huge = await op('b2c', 'SignUp', { input: { email, password: PASSWORD, name: 'n'.repeat(10_240) } });
    expect(huge.status).toBe(400);
    expect(huge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STRING_TOO_LONG' });
    const { n } = await one<{ n: number }>((sql) => sql`select count(*)::int as n from customers.accounts where lower(email) in (${email}, 'not-an-email')`);
    expect(n).toBe(0);
  });

  it('answers EmailTaken for the same address in another case, without a second account', async () => {
    const email = freshEmail('taken');
    await signUp(email);
    const again = data(await op('b2c', 'SignUp', { input: { email: email.toUpperCase(), password: PASSWORD } })).signUp;
    expect(again.__typename).toBe('EmailTaken');
    const { n } = await one<{ n: number }>((sql) => sql`select count(*)::int as n from customers.accounts where lower(email) = ${email}`);
    expect(n).toBe(1);
  });

  it('does not let the trade portal sign anyone up', async () => {
    const res = await op('b2b', 'SignUp', { input: { email: freshEmail('trade'), password: PASSWORD } });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('sign-in', () => {
  it('gives an unknown email and a wrong password the same answer', async () => {
    const email = freshEmail('same');
    await signUp(email);
    const wrong = await signIn('b2c', email, 'not the password at all');
    const unknown = await signIn('b2c', freshEmail('nobody'), 'not the password at all');
    expect(wrong).toEqual({ __typename: 'SignInFailed', message: 'email or password is wrong' });
    expect(unknown).toEqual(wrong);
  });

  it('throttles an email after 5 failures, even for the right password, and not other emails', async () => {
    const email = freshEmail('throttle');
    await signUp(email);
    for (let i = 0; i < 5; i++) expect((await signIn('b2c', email, `wrong password ${i}`)).__typename).toBe('SignInFailed');
    const blocked = await signIn('b2c', email, PASSWORD);
    expect(blocked.__typename).toBe('SignInThrottled');
    expect(blocked.retryAfterSeconds).toBeGreaterThan(800);
    expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(900);
    const other = freshEmail('unthrottled');
    await signUp(other);
    await signedIn('b2c', other, PASSWORD);
  });

  it('counts guesses sent all at once: of 20 parallel wrong passwords exactly 5 are checked', async () => {
    const email = freshEmail('storm');
    await signUp(email);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn('b2c', email, `parallel guess ${i}`)));
    const kinds = answers.map((a) => a.__typename);
    expect(kinds.filter((k) => k === 'SignInFailed')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'SignInThrottled')).toHaveLength(15);
  });
});

describe('sessions', () => {
  it('rotates the refresh token, and revokes the whole sign-in when a used one comes back', async () => {
    const email = freshEmail('rotate');
    const first = await signUp(email);
    const second = data(await op('b2c', 'RefreshSession', { refreshToken: first.refreshToken })).refreshSession;
    expect(second.__typename).toBe('AuthSession');
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // The first token again: someone kept a copy. Both it and the one issued after it stop working.
    const replay = data(await op('b2c', 'RefreshSession', { refreshToken: first.refreshToken })).refreshSession;
    expect(replay.__typename).toBe('SessionInvalid');
    const after = data(await op('b2c', 'RefreshSession', { refreshToken: second.refreshToken })).refreshSession;
    expect(after.__typename).toBe('SessionInvalid');
    const me = await op('b2c', 'Me', {}, { token: second.accessToken });
    expect(me.status).toBe(401);
    expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const { revoked } = await one<{ revoked: number }>(
      (sql) => sql`select count(*)::int as revoked from customers.sessions where account_id = ${first.customerId} and status = 'REVOKED'`,
    );
    expect(revoked).toBe(2);
  });

  it('signs out: the same access token is refused at once', async () => {
    const s = await signUp(freshEmail('signout'));
    expect(data(await op('b2c', 'Me', {}, { token: s.token })).me.id).toBe(s.customerId);
    expect(data(await op('b2c', 'SignOut', {}, { token: s.token })).signOut).toBe(true);
    const me = await op('b2c', 'Me', {}, { token: s.token });
    expect(me.status).toBe(401);
    expect(data(await op('b2c', 'RefreshSession', { refreshToken: s.refreshToken })).refreshSession.__typename).toBe('SessionInvalid');
  });
});

describe('account realms', () => {
  it('keeps an account made on web-eu out of web-us (isolated realm)', async () => {
    const email = freshEmail('realm');
    const s = await signUp(email, 'web-eu');
    expect((await signIn('b2c', email, PASSWORD, 'web-us')).__typename).toBe('SignInFailed');
    const foreign = await op('b2c', 'Me', {}, { token: s.token, channel: 'web-us' });
    expect(foreign.status).toBe(403);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The same address can open its own account in the US shop: another realm, another person record.
    const us = await signUp(email, 'web-us');
    expect(us.customerId).not.toBe(s.customerId);
  });

  it("shows Anna's one profile its orders from the web shop and the Berlin till (shared realm)", async () => {
    const anna = await signedIn('b2c', 'anna@example.com', DEMO_PASSWORD, 'web-eu');
    const orders = data(await op('b2c', 'MyOrders', { first: 10 }, { token: anna.token })).myOrders.nodes;
    // The demo seed placed ord_1001 and ord_1002 on web-eu and ord_1003 at the Berlin till.
    expect(orders.map((o: { id: string }) => o.id).sort()).toEqual(['ord_1001', 'ord_1002', 'ord_1003']);
    const me = data(await op('b2c', 'Me', {}, { token: anna.token })).me;
    expect(me).toMatchObject({ id: 'cus_anna', group: 'loyalty-gold', emailVerified: true });
  });
});

describe('password reset', () => {
  it('answers true for any email, mails a token only for a real account, and ends every session on reset', async () => {
    const email = freshEmail('reset');
    const s = await signUp(email);
    expect(data(await op('b2c', 'RequestPasswordReset', { email: freshEmail('ghost') })).requestPasswordReset).toBe(true);
    expect(data(await op('b2c', 'RequestPasswordReset', { email })).requestPasswordReset).toBe(true);
    const mail = await lastEvent(s.customerId, 'customer.password_reset_requested');
    expect(mail?.data.email).toBe(email);
    const weak = data(await op('b2c', 'ResetPassword', { token: mail!.token!, newPassword: 'short' })).resetPassword;
    expect(weak).toEqual({ __typename: 'AccountInputInvalid', field: 'password', message: 'password must be at least 10 characters' });
    const done = data(await op('b2c', 'ResetPassword', { token: mail!.token!, newPassword: 'a brand new passphrase' })).resetPassword;
    expect(done.__typename).toBe('PasswordReset');
    expect((await op('b2c', 'Me', {}, { token: s.token })).status).toBe(401);
    expect((await signIn('b2c', email, PASSWORD)).__typename).toBe('SignInFailed');
    await signedIn('b2c', email, 'a brand new passphrase');
    expect(data(await op('b2c', 'ResetPassword', { token: mail!.token!, newPassword: 'yet another passphrase' })).resetPassword.__typename).toBe(
      'TokenInvalid',
    );
  });
});

describe('address book', () => {
  const home = { name: 'Greta Gast', line1: 'Torstraße 5', postalCode: '10119', city: 'Berlin', country: 'DE' };
  const work = { name: 'Greta Gast', company: 'Gast GmbH', line1: 'Friedrichstraße 100', postalCode: '10117', city: 'Berlin', country: 'DE' };

  it('keeps one default shipping address, refuses a bad country, and is private to its owner', async () => {
    const s = await signUp(freshEmail('book'));
    const a = data(await op('b2c', 'AddAddress', { input: { label: 'Home', address: home, defaultShipping: true } }, { token: s.token })).addAddress;
    const b = data(
      await op('b2c', 'AddAddress', { input: { label: 'Work', address: work, defaultShipping: true, defaultBilling: true } }, { token: s.token }),
    ).addAddress;
    expect(b.address).toMatchObject({ company: 'Gast GmbH', line1: 'Friedrichstraße 100' });
    const me = data(await op('b2c', 'Me', {}, { token: s.token })).me;
    expect(me.addresses.map((x: { id: string; defaultShipping: boolean }) => [x.id, x.defaultShipping])).toEqual([
      [a.id, false],
      [b.id, true],
    ]);
    expect(me.defaultShippingAddress).toEqual({ id: b.id });
    expect(me.defaultBillingAddress).toEqual({ id: b.id });
    // Editing the default address's street, without naming the flags, keeps it the default.
    const moved = data(
      await op('b2c', 'UpdateAddress', { id: b.id, input: { label: 'Work', address: { ...work, line1: 'Friedrichstraße 101' } } }, { token: s.token }),
    ).updateAddress;
    expect(moved).toMatchObject({ defaultShipping: true, defaultBilling: true, address: { line1: 'Friedrichstraße 101' } });
    const bad = data(await op('b2c', 'AddAddress', { input: { address: { ...home, country: 'de' } } }, { token: s.token })).addAddress;
    expect(bad).toEqual({ __typename: 'AccountInputInvalid', field: 'address.country', message: 'country is an ISO 3166-1 alpha-2 code such as DE' });

    const other = await signUp(freshEmail('snoop'));
    const steal = await op('b2c', 'UpdateAddress', { id: a.id, input: { address: work } }, { token: other.token });
    expect(steal.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(data(await op('b2c', 'RemoveAddress', { id: a.id }, { token: other.token })).removeAddress).toBe(false);
    expect(data(await op('b2c', 'RemoveAddress', { id: a.id }, { token: s.token })).removeAddress).toBe(true);
    expect(data(await op('b2c', 'Me', {}, { token: s.token })).me.addresses).toHaveLength(1);
  });
});

describe('privacy', () => {
  it('exports the customer’s data, then erases the person but keeps the amounts of their order', async () => {
    const email = freshEmail('erase');
    const s = await signUp(email, 'web-eu', 'Erika Muster');
    const auth = { token: s.token };
    data(
      await op('b2c', 'AddAddress', { input: { address: { name: 'Erika Muster', line1: 'Weg 1', postalCode: '10115', city: 'Berlin', country: 'DE' } } }, auth),
    );
    const variant = await sellable({ eur: 2500, stock: 3, channels: ['web-eu'] });
    const cart = await readyCart('b2c', auth, [{ variantId: variant, quantity: 1 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('erase'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        auth,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');

    const exported = data(await op('b2c', 'ExportMyData', {}, auth));
    const doc = JSON.parse(exported.exportMyData.json);
    expect(doc.account).toMatchObject({ id: s.customerId, email, name: 'Erika Muster', realm: 'brand-eu' });
    expect(doc.addresses.map((a: { address: { line1: string } }) => a.address.line1)).toEqual(['Weg 1']);
    expect(JSON.stringify(doc)).not.toContain('hash');
    expect(exported.myOrders.nodes.map((o: { id: string }) => o.id)).toEqual([placed.order.id]);

    expect(data(await op('b2c', 'EraseMyAccount', {}, auth)).eraseMyAccount).toBe(true);
    expect((await op('b2c', 'Me', {}, auth)).status).toBe(401);
    expect((await signIn('b2c', email, PASSWORD)).__typename).toBe('SignInFailed');
    const account = await one<{ email: string; name: string | null; password_hash: string | null; status: string }>(
      (sql) => sql`select email, name, password_hash, status from customers.accounts where id = ${s.customerId}`,
    );
    expect(account).toEqual({ email: `erased+${s.customerId}@invalid`, name: null, password_hash: null, status: 'ERASED' });
    const order = await one<{ email: string | null; shipping_address: Record<string, string>; total: string }>(
      (sql) => sql`select email, shipping_address, total::text from orders.orders where id = ${placed.order.id}`,
    );
    expect(order.email).toBeNull();
    expect(order.shipping_address).toMatchObject({ name: '[erased]', line1: '[erased]', postalCode: '10115', city: 'Berlin', country: 'DE' });
    expect(Number(order.total)).toBe(placed.order.total.amount);
    // The checkout's own record of the cart (email, addresses) and the caller's address go too.
    const saga = await one<{ outcome: unknown; context: Record<string, unknown> }>(
      (sql) => sql`select s.outcome, c.context from orders.checkout_steps s join orders.checkouts c on c.id = s.checkout_id
        where c.owner = ${`customer:${s.customerId}`} and s.step = 'validate'`,
    );
    expect(saga.outcome).toEqual({ erased: true });
    expect(saga.context.clientIp).toBeUndefined();
    expect(saga.context.channel).toBe('web-eu');
    expect(await eventCount(s.customerId, 'customer.erased')).toBe(1);
  });
});
