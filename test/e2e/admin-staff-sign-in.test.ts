import { describe, expect, it } from 'vitest';
import { TOTP } from 'otpauth';
import { allowListText, loadAllowList } from '@storegraph/bff-kit';
import { bff, postGraphQL, system } from '../support/clients.ts';
import { data } from './checkout-support.ts';
import { createStaff, STAFF_PASSWORD, staffAdminToken, staffSession, staffSignIn } from './admin-support.ts';

/**
 * Staff come in through the admin BFF only: built-in accounts sign in with a password (argon2id) and, once
 * enrolled, a one-time code; their roles and channels are read from the staff record, not the token.
 */
describe('built-in staff sign-in on the admin BFF', () => {
  it('signs a staff member in with their password, and StaffMe shows the record; a wrong password is SignInFailed', async () => {
    const member = await createStaff('signin', ['viewer'], ['web-us']);
    const wrong = await staffSignIn(member.email, 'not the password at all');
    expect(wrong).toEqual({ __typename: 'SignInFailed', message: 'email or password is wrong' });
    const session = await staffSession(member.email);
    const me = data(await bff('admin', 'StaffMe', {}, { token: session.token })).staffMe;
    expect(me).toMatchObject({ id: member.id, email: member.email, roles: ['viewer'], channels: ['web-us'], totpEnabled: false, status: 'ACTIVE', version: 1 });
  });

  it('asks for a one-time code once enrolled, accepts the current one once, and refuses it a second time', async () => {
    const member = await createStaff('totp', ['viewer'], ['web-eu']);
    const first = await staffSession(member.email);
    const enrolment = data(await bff('admin', 'BeginTotpEnrolment', {}, { token: first.token })).beginTotpEnrolment;
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/Storegraph:/);
    // What an authenticator app computes from the secret it was shown.
    const app = new TOTP({ secret: enrolment.secret, digits: 6, period: 30, algorithm: 'SHA1' });
    const wrongCode = String((Number(app.generate()) + 1) % 1_000_000).padStart(6, '0');
    const refused = data(await bff('admin', 'ConfirmTotpEnrolment', { code: wrongCode }, { token: first.token })).confirmTotpEnrolment;
    expect(refused.__typename).toBe('TokenInvalid');
    const confirmCode = app.generate();
    const confirmed = data(await bff('admin', 'ConfirmTotpEnrolment', { code: confirmCode }, { token: first.token })).confirmTotpEnrolment;
    expect(confirmed).toMatchObject({ __typename: 'StaffMember', totpEnabled: true, version: 2 });

    expect((await staffSignIn(member.email)).__typename).toBe('TotpRequired');
    expect((await staffSignIn(member.email, 'not the password at all', app.generate())).__typename).toBe('SignInFailed');
    // The code used to confirm the enrolment has been spent: the next sign-in needs the next step's code. (The very
    // code, not a new one: across a 30 s boundary a fresh app.generate() is the next step's, which is not spent.)
    expect((await staffSignIn(member.email, STAFF_PASSWORD, confirmCode)).__typename).toBe('TotpRequired');
    const next = app.generate({ timestamp: Date.now() + 30_000 });
    expect((await staffSignIn(member.email, STAFF_PASSWORD, next)).__typename).toBe('StaffAuthSession');
    expect((await staffSignIn(member.email, STAFF_PASSWORD, next)).__typename).toBe('TotpRequired');
  });

  it('rotates the refresh token, and a reused one ends the whole sign-in', async () => {
    const member = await createStaff('refresh', ['viewer'], ['web-eu']);
    const session = await staffSession(member.email);
    const rotated = data(await bff('admin', 'RefreshStaffSession', { refreshToken: session.refreshToken })).refreshStaffSession;
    expect(rotated.__typename).toBe('StaffAuthSession');
    const reused = data(await bff('admin', 'RefreshStaffSession', { refreshToken: session.refreshToken })).refreshStaffSession;
    expect(reused).toEqual({ __typename: 'SessionInvalid', message: 'refresh token was already used; every session of this sign-in has been ended' });
    const after = data(await bff('admin', 'RefreshStaffSession', { refreshToken: rotated.refreshToken })).refreshStaffSession;
    expect(after.__typename).toBe('SessionInvalid');
    // The access token of the revoked sign-in stops working once the admin BFF's short cache (1 s here) lapses.
    await new Promise((r) => setTimeout(r, 1_100));
    const refusedMe = await bff('admin', 'StaffMe', {}, { token: rotated.accessToken });
    expect(refusedMe.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('signs out: the token is refused at once on this BFF', async () => {
    const member = await createStaff('signout', ['viewer'], ['web-eu']);
    const session = await staffSession(member.email);
    expect(data(await bff('admin', 'StaffSignOut', {}, { token: session.token })).staffSignOut).toBe(true);
    const res = await bff('admin', 'StaffMe', {}, { token: session.token });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('staff roles come from the staff record and stop at their channels', () => {
  it('lets web-us order staff read a web-us order, refuses web-eu, and drops the role within the cache time', async () => {
    const member = await createStaff('orders-us', ['order-admin'], ['web-us']);
    const { token } = await staffSession(member.email);
    const usOrder = data(await bff('admin', 'Order', { id: 'ord_1004' }, { token })).order;
    expect(usOrder).toMatchObject({ id: 'ord_1004', total: { currency: 'USD' } });
    const eu = await bff('admin', 'OrderQueue', { channel: 'web-eu' }, { token, channel: 'web-eu' });
    expect(eu.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const euQueue = await bff('admin', 'OrderQueue', { channel: 'web-eu' }, { token });
    expect(euQueue.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(euQueue.data?.orderQueue ?? null).toBeNull();

    const taken = data(
      await bff(
        'admin',
        'UpdateStaffMember',
        { input: { id: member.id, version: member.version, roles: ['stock-admin'] } },
        { token: await staffAdminToken() },
      ),
    ).updateStaffMember;
    expect(taken).toMatchObject({ __typename: 'StaffMember', roles: ['stock-admin'], version: member.version + 1 });
    await new Promise((r) => setTimeout(r, 1_100));
    // The same token, the role gone from the record: the order is no longer theirs to see (null, as if it did not exist).
    const after = await bff('admin', 'Order', { id: 'ord_1004' }, { token });
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual({ order: null });
  });

  it('ends a disabled member’s sessions at once', async () => {
    const member = await createStaff('disabled', ['viewer'], ['web-eu']);
    const { token } = await staffSession(member.email);
    const disabled = data(
      await bff('admin', 'UpdateStaffMember', { input: { id: member.id, version: member.version, status: 'DISABLED' } }, { token: await staffAdminToken() }),
    ).updateStaffMember;
    expect(disabled).toMatchObject({ __typename: 'StaffMember', status: 'DISABLED' });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await bff('admin', 'StaffMe', {}, { token })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await staffSignIn(member.email)).toEqual({ __typename: 'SignInFailed', message: 'email or password is wrong' });
  });

  it('refuses staff management to anyone without staff-admin on every channel', async () => {
    const member = await createStaff('not-admin', ['staff-admin'], ['web-eu']);
    const { token } = await staffSession(member.email);
    const res = await bff('admin', 'StaffMembers', {}, { token });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the admin BFF is for staff only', () => {
  it('refuses a request without a token, a customer token, and an operation it does not list', async () => {
    const anonymous = await bff('admin', 'OrderQueue', { channel: 'web-eu' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const customer = await bff('admin', 'OrderQueue', { channel: 'web-eu' }, { as: 'anna@example.com' });
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A storefront operation is not on the staff list: by name it is unknown here, by its text it is refused.
    const staff = { authorization: `Bearer ${await staffAdminToken()}` };
    const byName = await bff('admin', 'ProductListing', { first: 3 }, { headers: staff });
    expect([byName.status, byName.errors?.[0]?.extensions?.code]).toEqual([400, 'PERSISTED_QUERY_NOT_FOUND']);
    const text = [...loadAllowList(allowListText('b2c')).values()].find((o) => o.name === 'ProductListing')!.query;
    const byText = await postGraphQL(system().admin, { query: text, operationName: 'ProductListing', variables: { first: 3 } }, staff);
    expect([byText.status, byText.errors?.[0]?.extensions?.code]).toEqual([403, 'OPERATION_NOT_ALLOWED']);
  });
});
