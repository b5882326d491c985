import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@storegraph/demo';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { postGraphQL, signedContext, system } from '../support/clients.ts';
import { data, one, op, sellable } from './checkout-support.ts';
import { freshEmail, lastEvent, signedIn, signIn, signUp } from './customers-support.ts';

/**
 * Trade companies through the B2B portal (their admin manages buyers; nobody sees another company), the
 * customer record as the source of the signed context, and staff search (staff have no BFF yet: those
 * calls sign a staff context for the gateway, as the admin BFF will).
 */
const asStaff = async (channel: string, roles: string[], channels: string[], query: string, variables: Record<string, unknown>) =>
  postGraphQL(
    system().gateway,
    { query, variables },
    { [CONTEXT_HEADER]: await signedContext(channel, { staff: { id: 'stf_customers_tests', roles, channels } as never }) },
  );

/** Invites a buyer into Acme as its admin and lets them set a password from the mailed invitation. */
async function newAcmeBuyer(admin: { token: string }, role: 'BUYER' | 'APPROVER', limits: { orderLimit?: number; monthlyLimit?: number } = {}) {
  const email = freshEmail('acme-buyer');
  const added = data(await op('b2b', 'AddCompanyBuyer', { input: { email, name: 'New Buyer', role, ...limits } }, { token: admin.token })).addCompanyBuyer;
  expect(added.__typename).toBe('CompanyMembership');
  const invitation = await lastEvent(added.customer.id, 'customer.password_reset_requested');
  expect(invitation?.data.reason).toBe('invitation');
  const set = data(await op('b2b', 'ResetPassword', { token: invitation!.token!, newPassword: 'trade buyer passphrase' })).resetPassword;
  expect(set.__typename).toBe('PasswordReset');
  const session = await signedIn('b2b', email, 'trade buyer passphrase');
  return { ...session, email, id: added.customer.id as string };
}

describe('companies on the trade portal', () => {
  it("shows an admin their company's terms, credit, locations and buyers, and never another company's", async () => {
    const acme = await signedIn('b2b', 'buyer@acme.example', DEMO_PASSWORD);
    const company = data(await op('b2b', 'MyCompany', {}, { token: acme.token })).myCompany;
    expect(company).toMatchObject({ id: 'cmp_acme', name: 'Acme GmbH', paymentTermsDays: 30, creditLimit: { amount: 5_000_000, currency: 'EUR' } });
    expect(company.locations.map((l: { name: string; address: { city: string } }) => [l.name, l.address.city])).toEqual([['Head office', 'Hamburg']]);
    const demoBuyers = company.buyers
      .filter((b: { customer: { id: string } }) => ['cus_acme_buyer', 'cus_acme_approver'].includes(b.customer.id))
      .map((b: { customer: { id: string }; role: string; orderLimit: unknown }) => [b.customer.id, b.role, b.orderLimit])
      .sort();
    expect(demoBuyers).toEqual([
      ['cus_acme_approver', 'APPROVER', { amount: 500_000, currency: 'EUR' }],
      ['cus_acme_buyer', 'ADMIN', null],
    ]);
    const globex = await signedIn('b2b', 'buyer@globex.example', DEMO_PASSWORD);
    const theirs = data(await op('b2b', 'MyCompany', {}, { token: globex.token })).myCompany;
    expect(theirs.id).toBe('cmp_globex');
    expect(theirs.buyers.map((b: { customer: { id: string } }) => b.customer.id)).not.toContain('cus_acme_buyer');
    expect(theirs.buyers.map((b: { customer: { id: string } }) => b.customer.id)).toContain('cus_globex_buyer');
  });

  it('lets the admin add a buyer with limits, who sees only themself and cannot raise their own limit or role', async () => {
    const admin = await signedIn('b2b', 'buyer@acme.example', DEMO_PASSWORD);
    const buyer = await newAcmeBuyer(admin, 'BUYER', { orderLimit: 100_000, monthlyLimit: 400_000 });
    const seen = data(await op('b2b', 'MyCompany', {}, { token: buyer.token })).myCompany;
    expect(seen.buyers).toEqual([
      {
        role: 'BUYER',
        customer: { id: buyer.id, email: buyer.email, name: 'New Buyer' },
        orderLimit: { amount: 100_000, currency: 'EUR' },
        monthlyLimit: { amount: 400_000, currency: 'EUR' },
      },
    ]);
    const me = data(await op('b2b', 'Me', {}, { token: buyer.token })).me;
    expect(me.companyMembership).toMatchObject({ role: 'BUYER', company: { id: 'cmp_acme' } });

    const raise = await op('b2b', 'UpdateCompanyBuyer', { input: { customerId: buyer.id, orderLimit: 9_999_999, role: 'ADMIN' } }, { token: buyer.token });
    expect(raise.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const other = await op('b2b', 'UpdateCompanyBuyer', { input: { customerId: 'cus_acme_approver', orderLimit: 1 } }, { token: buyer.token });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const adminSelf = await op('b2b', 'UpdateCompanyBuyer', { input: { customerId: 'cus_acme_buyer', role: 'BUYER' } }, { token: admin.token });
    expect(adminSelf.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const raised = data(
      await op('b2b', 'UpdateCompanyBuyer', { input: { customerId: buyer.id, orderLimit: 150_000, clearMonthlyLimit: true } }, { token: admin.token }),
    ).updateCompanyBuyer;
    expect(raised).toMatchObject({ role: 'BUYER', orderLimit: { amount: 150_000, currency: 'EUR' }, monthlyLimit: null });
  });

  it("keeps one company's admin away from another company's buyers", async () => {
    const acme = await signedIn('b2b', 'buyer@acme.example', DEMO_PASSWORD);
    const buyer = await newAcmeBuyer(acme, 'BUYER');
    const globex = await signedIn('b2b', 'buyer@globex.example', DEMO_PASSWORD);
    const update = await op('b2b', 'UpdateCompanyBuyer', { input: { customerId: buyer.id, orderLimit: 1 } }, { token: globex.token });
    expect(update.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(data(await op('b2b', 'RemoveCompanyBuyer', { customerId: buyer.id }, { token: globex.token })).removeCompanyBuyer).toBe(false);
    expect(data(await op('b2b', 'MyCompany', {}, { token: buyer.token })).myCompany.id).toBe('cmp_acme');
  });

  it('refuses a removed buyer at once: their sessions end and they cannot sign in', async () => {
    const admin = await signedIn('b2b', 'buyer@acme.example', DEMO_PASSWORD);
    const buyer = await newAcmeBuyer(admin, 'APPROVER');
    expect(data(await op('b2b', 'MyCompany', {}, { token: buyer.token })).myCompany.id).toBe('cmp_acme');
    expect(data(await op('b2b', 'RemoveCompanyBuyer', { customerId: buyer.id }, { token: admin.token })).removeCompanyBuyer).toBe(true);
    // The BFF cached this buyer's facts a moment ago; the test system keeps them 1 s (production 30 s).
    await new Promise((r) => setTimeout(r, 1_100));
    const after = await op('b2b', 'MyCompany', {}, { token: buyer.token });
    expect(after.status).toBe(401);
    expect((await signIn('b2b', buyer.email, 'trade buyer passphrase')).__typename).toBe('SignInFailed');
  });

  it('refuses a storefront account on the trade portal', async () => {
    const shopper = await signUp(freshEmail('shopper'));
    const res = await op('b2b', 'MyCompany', {}, { token: shopper.token });
    expect(res.status).toBe(403);
  });
});

describe('the context comes from the customer record', () => {
  it('prices a customer by the group staff set on their record, not by anything in their token', async () => {
    const tag = `${process.pid}${Date.now().toString(36)}`;
    const group = `vip-${tag}`;
    const variant = await sellable({ eur: 10_000, stock: 1, channels: ['web-eu'] });
    const book = `bk_t_vip_${tag}`;
    const pricing = ['pricing-admin'];
    const made = await asStaff('web-eu', pricing, ['*'], 'mutation($i: PriceBookInput!) { upsertPriceBook(input: $i) { id } }', {
      i: { id: book, name: 'VIP test', level: 'GROUP', currency: 'EUR', customerGroup: group, taxIncluded: true },
    });
    expect(made.errors).toBeUndefined();
    const imported = await asStaff(
      'web-eu',
      pricing,
      ['*'],
      'mutation($b: ID!, $e: [PriceEntryInput!]!) { importPriceEntries(bookId: $b, entries: $e) { imported } }',
      {
        b: book,
        e: [{ variantId: variant, amount: 8_000 }],
      },
    );
    expect(imported.errors).toBeUndefined();

    const s = await signUp(freshEmail('vip'));
    const unit = async () =>
      data(await op('b2c', 'PriceQuote', { input: { lines: [{ variantId: variant, quantity: 1 }] } }, { token: s.token })).quote.lines[0].unit.amount;
    expect(await unit()).toBe(10_000);
    const set = await asStaff(
      'web-eu',
      ['customer-admin'],
      ['web-eu'],
      'mutation($id: ID!, $g: String) { setCustomerGroup(id: $id, group: $g) { id group } }',
      {
        id: s.customerId,
        g: group,
      },
    );
    expect(set.data).toEqual({ setCustomerGroup: { id: s.customerId, group } });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await unit()).toBe(8_000);
  });
});

describe('staff search', () => {
  const SEARCH = 'query($s: String!) { customers(search: $s) { id email } }';

  it("finds customers only in the realms of the staff member's channels", async () => {
    const email = freshEmail('findme');
    const eu = await signUp(email, 'web-eu');
    const us = await signUp(email, 'web-us');
    const euStaff = await asStaff('web-eu', ['viewer'], ['web-eu'], SEARCH, { s: email });
    expect(euStaff.data.customers).toEqual([{ id: eu.customerId, email }]);
    const everywhere = await asStaff('web-eu', ['customer-admin'], ['*'], SEARCH, { s: email });
    expect(everywhere.data.customers.map((c: { id: string }) => c.id).sort()).toEqual([eu.customerId, us.customerId].sort());
    const pricingOnly = await asStaff('web-eu', ['pricing-admin'], ['*'], SEARCH, { s: email });
    expect(pricingOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets staff move a channel only into a realm their channels already reach', async () => {
    const SET = 'mutation($c: ID!, $r: String!) { setAccountPolicy(channel: $c, realm: $r) { channel realm isolated } }';
    // web-us staff may not open the EU realm's accounts to web-us (and so to their own searches).
    const grab = await asStaff('web-us', ['customer-admin'], ['web-us'], SET, { c: 'web-us', r: 'brand-eu' });
    expect(grab.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { realm } = await one<{ realm: string }>((sql) => sql`select realm from customers.account_policies where channel = 'web-us'`);
    expect(realm).toBe('web-us');
    // Nobody else's channel: test-tie (this file's) may join a realm of its own making.
    const own = `tie-${process.pid}`;
    const set = await asStaff('web-eu', ['customer-admin'], ['test-tie'], SET, { c: 'test-tie', r: own });
    expect(set.data).toEqual({ setAccountPolicy: { channel: 'test-tie', realm: own, isolated: true } });
  });

  it('finds companies by name for trade staff, not for web-us staff', async () => {
    const Q = 'query($s: String!) { companies(search: $s) { id name } }';
    expect((await asStaff('trade-eu', ['viewer'], ['trade-eu'], Q, { s: 'acme' })).data.companies).toEqual([{ id: 'cmp_acme', name: 'Acme GmbH' }]);
    expect((await asStaff('web-us', ['viewer'], ['web-us'], Q, { s: 'acme' })).data.companies).toEqual([]);
  });
});
