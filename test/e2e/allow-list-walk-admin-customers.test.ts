import { beforeAll, describe, expect, it } from 'vitest';
import { TOTP } from 'otpauth';
import { data, one } from './checkout-support.ts';
import { freshEmail, signUp } from './customers-support.ts';
import { createStaff, freshStaffEmail, STAFF_PASSWORD, staffAdminToken, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';

/**
 * The admin BFF's customer and staff operations, run by name: customer staff of web-eu find a shopper of
 * this file's own, put them in a group and erase them; they read the trade portal's demo company (read only)
 * and the account policies; a staff admin creates, changes and lists a staff member, who signs in, refreshes,
 * enrols a one-time-code app and signs out.
 */
const run = adminWalk('customers');
const K = Math.random().toString(36).slice(2, 8);
const staff = { eu: '', trade: '', all: '' };

beforeAll(async () => {
  const [eu, trade, all] = await Promise.all([
    createStaff('walk-customers-eu', ['customer-admin', 'viewer'], ['web-eu']),
    createStaff('walk-customers-trade', ['viewer'], ['web-eu', 'trade-eu']),
    createStaff('walk-customers-all', ['customer-admin'], ['*']),
  ]);
  staff.eu = (await staffSession(eu.email)).token;
  staff.trade = (await staffSession(trade.email)).token;
  staff.all = (await staffSession(all.email)).token;
});

describe('customers of the staff member’s realms', () => {
  it('finds a web shop customer, sets their group, and erases them', async () => {
    const email = freshEmail(`walk-cust-${K}`);
    const { customerId } = await signUp(email, 'web-eu', `Walk Quillon ${K}`);
    const auth = { token: staff.eu, channel: 'web-eu' };
    const found = data(await run('Customers', { search: email }, auth)).customers;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      id: customerId,
      email,
      name: `Walk Quillon ${K}`,
      emailVerified: false,
      group: null,
      addresses: [],
      companyMembership: null,
    });
    const grouped = data(await run('SetCustomerGroup', { id: customerId, group: 'walk-gold' }, auth)).setCustomerGroup;
    expect(grouped).toMatchObject({ id: customerId, group: 'walk-gold' });
    // By name as well as by email.
    expect(data(await run('Customers', { search: `Quillon ${K}` }, auth)).customers.map((c: any) => [c.id, c.group])).toEqual([[customerId, 'walk-gold']]);

    expect(data(await run('EraseCustomer', { id: customerId }, auth)).eraseCustomer).toBe(true);
    expect(data(await run('Customers', { search: email }, auth)).customers).toEqual([]);
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from customers.accounts where email = ${email}`)).toEqual({ n: 0 });
  });

  it('lets trade-eu staff work in trade-eu (x-channel: trade-eu), a B2B channel', async () => {
    const companies = data(await run('Companies', { search: 'Globex' }, { token: staff.trade, channel: 'trade-eu' })).companies;
    expect(companies.map((c: { id: string; name: string }) => [c.id, c.name])).toEqual([['cmp_globex', 'Globex AG']]);
  });

  it('reads the trade portal’s demo company for a viewer whose channels reach the trade realm', async () => {
    const companies = data(await run('Companies', { search: 'Acme' }, { token: staff.trade, channel: 'web-eu' })).companies;
    expect(companies.map((c: { id: string }) => c.id)).toEqual(['cmp_acme']);
    expect(companies[0]).toMatchObject({ id: 'cmp_acme', name: 'Acme GmbH', paymentTermsDays: 30, creditLimit: { amount: 5_000_000, currency: 'EUR' } });
    expect(companies[0].locations).toMatchObject([
      { name: 'Head office', address: { name: 'Acme GmbH', line1: 'Industriestraße 12', postalCode: '20097', city: 'Hamburg', country: 'DE' } },
    ]);
    // Other files invite and remove Acme buyers while this runs: the demo's two are the ones asserted.
    const demo = companies[0].buyers.filter((b: any) => ['cus_acme_buyer', 'cus_acme_approver'].includes(b.customer.id));
    expect(demo.map((b: any) => [b.customer.id, b.role, b.orderLimit?.amount ?? null]).sort()).toEqual([
      ['cus_acme_approver', 'APPROVER', 500_000],
      ['cus_acme_buyer', 'ADMIN', null],
    ]);
    // Web shop staff do not reach the trade realm.
    expect(data(await run('Companies', { search: 'Acme' }, { token: staff.eu, channel: 'web-eu' })).companies).toEqual([]);
  });

  it('reads the shared EU realm, and moves the US staging channel to a realm of its own and back', async () => {
    expect(data(await run('AccountPolicy', { channel: 'web-eu' }, { token: staff.eu, channel: 'web-eu' })).accountPolicy).toEqual({
      channel: 'web-eu',
      realm: 'brand-eu',
      isolated: false,
    });
    const auth = { token: staff.all, channel: 'sandbox-us' };
    const before = data(await run('AccountPolicy', { channel: 'sandbox-us' }, auth)).accountPolicy;
    expect(before).toEqual({ channel: 'sandbox-us', realm: 'sandbox-us', isolated: true });
    // Web-eu staff may not move a channel they do not manage.
    expect(codes(await run('SetAccountPolicy', { channel: 'sandbox-us', realm: `walk-${K}` }, { token: staff.eu, channel: 'web-eu' }))).toEqual(['FORBIDDEN']);
    try {
      const moved = data(await run('SetAccountPolicy', { channel: 'sandbox-us', realm: `walk-${K}` }, auth)).setAccountPolicy;
      expect(moved).toEqual({ channel: 'sandbox-us', realm: `walk-${K}`, isolated: true });
    } finally {
      // Its own code again: what a channel without a policy signs people into.
      data(await run('SetAccountPolicy', { channel: 'sandbox-us', realm: before.realm }, auth));
    }
    expect(data(await run('AccountPolicy', { channel: 'sandbox-us' }, auth)).accountPolicy).toEqual(before);
  });
});

describe('staff accounts', () => {
  it('creates, lists and changes a staff member; a stale version and a taken email are data', async () => {
    const admin = { token: await staffAdminToken() };
    const email = freshStaffEmail('walk-staff');
    const input = { email, name: 'Walk Staff', password: STAFF_PASSWORD, roles: ['viewer'], channels: ['web-eu'] };
    const created = data(await run('CreateStaffMember', { input }, admin)).createStaffMember;
    expect(created).toMatchObject({
      __typename: 'StaffMember',
      email,
      name: 'Walk Staff',
      roles: ['viewer'],
      channels: ['web-eu'],
      totpEnabled: false,
      status: 'ACTIVE',
      version: 1,
    });
    expect((await run('CreateStaffMember', { input }, admin)).data.createStaffMember.__typename).toBe('StaffEmailTaken');
    const listed = data(await run('StaffMembers', {}, admin)).staffMembers;
    const { __typename, ...record } = created;
    expect(listed.filter((m: { id: string }) => m.id === created.id)).toEqual([record]);

    const renamed = data(
      await run('UpdateStaffMember', { input: { id: created.id, version: 1, name: 'Walk Staff II', channels: ['web-eu', 'web-us'] } }, admin),
    ).updateStaffMember;
    expect(renamed).toMatchObject({ __typename: 'StaffMember', name: 'Walk Staff II', channels: ['web-eu', 'web-us'], version: 2 });
    const stale = data(await run('UpdateStaffMember', { input: { id: created.id, version: 1, name: 'Walk Staff III' } }, admin)).updateStaffMember;
    expect(stale).toMatchObject({ __typename: 'StaffVersionConflict', current: { id: created.id, name: 'Walk Staff II', version: 2 } });

    // A viewer is no staff admin.
    const session = await staffSession(email);
    expect(codes(await run('StaffMembers', {}, { token: session.token }))).toEqual(['FORBIDDEN']);
  });

  it('signs a member in, refreshes, enrols a one-time-code app, and signs out', async () => {
    const member = await createStaff('walk-staff-session', ['viewer'], ['web-us']);
    const signedIn = data(await run('StaffSignIn', { input: { email: member.email, password: STAFF_PASSWORD } }, {})).staffSignIn;
    expect(signedIn).toMatchObject({ __typename: 'StaffAuthSession', staff: { id: member.id, email: member.email, roles: ['viewer'], channels: ['web-us'] } });
    const refreshed = data(await run('RefreshStaffSession', { refreshToken: signedIn.refreshToken }, {})).refreshStaffSession;
    expect(refreshed).toMatchObject({ __typename: 'StaffAuthSession', staff: { id: member.id } });
    expect(refreshed.refreshToken).not.toBe(signedIn.refreshToken);
    const token = refreshed.accessToken as string;
    expect(data(await run('StaffMe', {}, { token })).staffMe).toMatchObject({ id: member.id, totpEnabled: false, version: 1 });

    const enrolment = data(await run('BeginTotpEnrolment', {}, { token })).beginTotpEnrolment;
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/Storegraph:/);
    const app = new TOTP({ secret: enrolment.secret, digits: 6, period: 30, algorithm: 'SHA1' });
    const confirmed = data(await run('ConfirmTotpEnrolment', { code: app.generate() }, { token })).confirmTotpEnrolment;
    expect(confirmed).toMatchObject({ __typename: 'StaffMember', id: member.id, totpEnabled: true, version: 2 });

    expect(data(await run('StaffSignOut', {}, { token })).staffSignOut).toBe(true);
    expect(codes(await run('StaffMe', {}, { token }))).toEqual(['UNAUTHENTICATED']);
  });
});
