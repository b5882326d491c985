import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAllowList } from '@storegraph/bff-kit';
import { DEMO_PASSWORD } from '@storegraph/demo';
import { bff, type GraphQLResponse } from '../support/clients.ts';
import { data } from './checkout-support.ts';
import { COMPANY_OPS, freshEmail, lastEvent } from './customers-support.ts';

/**
 * The account and company operations of the storefront and the trade portal, each run by name by a real
 * account (allow-list-walk.test.ts walks the catalogue, cart and order operations). The last check: nothing
 * on these lists went unrun.
 */
type Which = 'b2c' | 'b2b';
const ACCOUNT_OPS = [...loadAllowList(readFileSync(new URL('../../bffs/kit/src/account-operations.graphql', import.meta.url), 'utf8')).values()].map(
  (o) => o.name,
);

const ran = new Set<string>();
async function run<T = any>(which: Which, name: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> {
  ran.add(`${which}:${name}`);
  return bff<T>(which, name, variables, { token });
}

afterAll(() => {
  const expected = [...ACCOUNT_OPS.flatMap((n) => [`b2c:${n}`, `b2b:${n}`]), ...COMPANY_OPS.map((n) => `b2b:${n}`)];
  expect(
    expected.filter((k) => !ran.has(k)),
    'account operations no test runs by name',
  ).toEqual([]);
});

const PASSWORD = 'walk the account operations';
const HOME = { name: 'Walk Er', line1: 'Chausseestraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

/** Profile, address book, mail tokens, refresh, export, sign-out and erasure for one signed-in account. */
async function walkAccount(which: Which, email: string, session: { accessToken: string; refreshToken: string }, orders: (ids: string[]) => void) {
  const token = session.accessToken;
  expect(data(await run(which, 'Me', {}, token)).me.email).toBe(email);
  expect(data(await run(which, 'UpdateProfile', { input: { name: 'Walk Er' } }, token)).updateProfile).toMatchObject({
    __typename: 'Customer',
    name: 'Walk Er',
  });
  const added = data(await run(which, 'AddAddress', { input: { label: 'Home', address: HOME, defaultShipping: true } }, token)).addAddress;
  expect(added).toMatchObject({ __typename: 'SavedAddress', label: 'Home', defaultShipping: true, defaultBilling: false });
  const updated = data(
    await run(which, 'UpdateAddress', { id: added.id, input: { label: 'Home', address: { ...HOME, line1: 'Chausseestraße 2' } } }, token),
  ).updateAddress;
  expect(updated).toMatchObject({ id: added.id, defaultShipping: true, address: { line1: 'Chausseestraße 2' } });
  expect(data(await run(which, 'RemoveAddress', { id: added.id }, token)).removeAddress).toBe(true);
  expect(data(await run(which, 'VerifyEmail', { token: 'no-such-token' })).verifyEmail.__typename).toBe('TokenInvalid');
  const refreshed = data(await run(which, 'RefreshSession', { refreshToken: session.refreshToken })).refreshSession;
  expect(refreshed.__typename).toBe('AuthSession');
  const exported = data(await run(which, 'ExportMyData', {}, refreshed.accessToken));
  expect(JSON.parse(exported.exportMyData.json).account.email).toBe(email);
  orders(exported.myOrders.nodes.map((o: { id: string }) => o.id));
  expect(data(await run(which, 'SignOut', {}, refreshed.accessToken)).signOut).toBe(true);
  expect((await run(which, 'Me', {}, refreshed.accessToken)).status).toBe(401);
}

describe('storefront accounts (b2c)', () => {
  it('signs up, verifies, walks the profile, resets the password and erases the account', async () => {
    const email = freshEmail('walk-b2c');
    const signUp = data(await run('b2c', 'SignUp', { input: { email, password: PASSWORD, name: 'Walker' } })).signUp;
    expect(signUp.__typename).toBe('AuthSession');
    const id = signUp.customer.id as string;
    expect(data(await run('b2c', 'RequestEmailVerification', {}, signUp.accessToken)).requestEmailVerification).toBe(true);
    const mail = await lastEvent(id, 'customer.email_verification_requested');
    expect(data(await run('b2c', 'VerifyEmail', { token: mail!.token! })).verifyEmail.customer).toEqual({ id, emailVerified: true });
    await walkAccount('b2c', email, signUp, (ids) => expect(ids).toEqual([]));
    expect(data(await run('b2c', 'RequestPasswordReset', { email })).requestPasswordReset).toBe(true);
    const reset = await lastEvent(id, 'customer.password_reset_requested');
    expect(data(await run('b2c', 'ResetPassword', { token: reset!.token!, newPassword: `${PASSWORD} again` })).resetPassword.__typename).toBe('PasswordReset');
    const back = data(await run('b2c', 'SignIn', { input: { email, password: `${PASSWORD} again` } })).signIn;
    expect(back.__typename).toBe('AuthSession');
    expect(data(await run('b2c', 'EraseMyAccount', {}, back.accessToken)).eraseMyAccount).toBe(true);
  });
});

describe('trade portal accounts and companies (b2b)', () => {
  it("lets Acme's admin invite, manage and remove buyers, and each buyer walk their own account", async () => {
    expect((await run('b2b', 'SignUp', { input: { email: freshEmail('walk-b2b'), password: PASSWORD } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = data(await run('b2b', 'SignIn', { input: { email: 'buyer@acme.example', password: DEMO_PASSWORD } })).signIn;
    expect(admin.customer.id).toBe('cus_acme_buyer');
    const invite = async (role: string) => {
      const email = freshEmail('walk-buyer');
      const added = data(
        await run('b2b', 'AddCompanyBuyer', { input: { email, name: 'Walk Buyer', role, orderLimit: 50_000 } }, admin.accessToken),
      ).addCompanyBuyer;
      expect(added).toMatchObject({ __typename: 'CompanyMembership', role, orderLimit: { amount: 50_000, currency: 'EUR' } });
      const invitation = await lastEvent(added.customer.id, 'customer.password_reset_requested');
      expect(data(await run('b2b', 'ResetPassword', { token: invitation!.token!, newPassword: PASSWORD })).resetPassword.__typename).toBe('PasswordReset');
      const session = data(await run('b2b', 'SignIn', { input: { email, password: PASSWORD } })).signIn;
      expect(session.__typename).toBe('AuthSession');
      return { email, id: added.customer.id as string, session };
    };
    const buyer = await invite('BUYER');
    const company = data(await run('b2b', 'MyCompany', {}, buyer.session.accessToken)).myCompany;
    expect(company.buyers.map((b: { customer: { id: string } }) => b.customer.id)).toEqual([buyer.id]);
    // Already verified by following the invitation: nothing to send.
    expect(data(await run('b2b', 'RequestEmailVerification', {}, buyer.session.accessToken)).requestEmailVerification).toBe(false);
    expect(data(await run('b2b', 'RequestPasswordReset', { email: buyer.email })).requestPasswordReset).toBe(true);
    // A buyer's order history is the company's: the demo seed placed ord_2001 and ord_2002 for Acme.
    await walkAccount('b2b', buyer.email, buyer.session, (ids) => expect(ids).toEqual(expect.arrayContaining(['ord_2001', 'ord_2002'])));
    const raised = data(await run('b2b', 'UpdateCompanyBuyer', { input: { customerId: buyer.id, role: 'APPROVER' } }, admin.accessToken)).updateCompanyBuyer;
    expect(raised.role).toBe('APPROVER');
    expect(data(await run('b2b', 'RemoveCompanyBuyer', { customerId: buyer.id }, admin.accessToken)).removeCompanyBuyer).toBe(true);

    const leaving = await invite('BUYER');
    expect(data(await run('b2b', 'EraseMyAccount', {}, leaving.session.accessToken)).eraseMyAccount).toBe(true);
    const after = data(await run('b2b', 'MyCompany', {}, admin.accessToken)).myCompany;
    expect(after.buyers.map((b: { customer: { id: string } }) => b.customer.id)).not.toContain(leaving.id);
  });
});
