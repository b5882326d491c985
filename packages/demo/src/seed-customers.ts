import { sql } from 'drizzle-orm';
import { PasswordHasher } from '@storegraph/customers';
import type { SeedDb } from './seed-util.ts';

/** Every demo account signs in with this password (printed by `npm start`). */
export const DEMO_PASSWORD = 'storegraph-demo';

/**
 * The demo brand's account policy: the EU web shop and the Berlin till share one realm (one login, one order
 * history across both), the US shop keeps its own accounts (its customers' data stays apart), and the trade
 * portal is isolated as every channel without a policy is.
 */
const POLICIES = [
  ['web-eu', 'brand-eu'],
  ['pos-berlin', 'brand-eu'],
  ['web-us', 'web-us'],
] as const;

const ACCOUNTS = [
  { id: 'cus_anna', realm: 'brand-eu', kind: 'customer', email: 'anna@example.com', name: 'Anna Schmidt', group: 'loyalty-gold', channel: 'web-eu' },
  { id: 'cus_chloe', realm: 'brand-eu', kind: 'customer', email: 'chloe@example.com', name: 'Chloé Martin', group: null, channel: 'web-eu' },
  { id: 'cus_ben', realm: 'web-us', kind: 'customer', email: 'ben@example.com', name: 'Ben Carter', group: null, channel: 'web-us' },
  { id: 'cus_acme_buyer', realm: 'trade-eu', kind: 'buyer', email: 'buyer@acme.example', name: 'Acme buyer', group: null, channel: 'trade-eu' },
  { id: 'cus_acme_approver', realm: 'trade-eu', kind: 'buyer', email: 'approver@acme.example', name: 'Acme approver', group: null, channel: 'trade-eu' },
  { id: 'cus_globex_buyer', realm: 'trade-eu', kind: 'buyer', email: 'buyer@globex.example', name: 'Globex buyer', group: null, channel: 'trade-eu' },
] as const;

/** Built-in staff accounts for the admin BFF (same password); the admin may manage staff. */
const STAFF = [
  {
    id: 'stf_admin',
    email: 'admin@storegraph.dev',
    name: 'Admin',
    roles: ['catalog-admin', 'pricing-admin', 'stock-admin', 'order-admin', 'customer-admin', 'webhook-admin', 'staff-admin', 'report-viewer', 'viewer'],
    channels: ['*'],
  },
  { id: 'stf_pricing_us', email: 'pricing-us@storegraph.dev', name: 'US pricing manager', roles: ['pricing-admin', 'viewer'], channels: ['web-us'] },
] as const;

/** Acme's buyer administers the company; limits in EUR cents. */
const COMPANIES = [
  { id: 'cmp_acme', name: 'Acme GmbH', terms: 30, credit: 5_000_000, street: 'Industriestraße 12', postal: '20097', city: 'Hamburg' },
  { id: 'cmp_globex', name: 'Globex AG', terms: 14, credit: 2_000_000, street: 'Hafenweg 3', postal: '80331', city: 'München' },
] as const;
const MEMBERS = [
  ['cus_acme_buyer', 'cmp_acme', 'ADMIN', null, null],
  ['cus_acme_approver', 'cmp_acme', 'APPROVER', 500_000, 2_000_000],
  ['cus_globex_buyer', 'cmp_globex', 'ADMIN', null, null],
] as const;

export async function seedCustomers(db: SeedDb) {
  const hasher = new PasswordHasher(2);
  for (const [channel, realm] of POLICIES) await db.execute(sql`insert into customers.account_policies (channel, realm) values (${channel}, ${realm})`);
  for (const a of ACCOUNTS) {
    const hash = await hasher.hash(DEMO_PASSWORD);
    await db.execute(sql`insert into customers.accounts (id, realm, kind, email, email_verified_at, password_hash, name, customer_group, created_channel)
      values (${a.id}, ${a.realm}, ${a.kind}, ${a.email}, now(), ${hash}, ${a.name}, ${a.group}, ${a.channel})`);
  }
  for (const m of STAFF) {
    await db.execute(sql`insert into customers.staff_members (id, email, name, password_hash, roles, channels)
      values (${m.id}, ${m.email}, ${m.name}, ${await hasher.hash(DEMO_PASSWORD)}, string_to_array(${m.roles.join(',')}, ','), string_to_array(${m.channels.join(',')}, ','))`);
  }
  for (const c of COMPANIES) {
    await db.execute(sql`insert into customers.companies (id, realm, name, currency, payment_terms_days, credit_limit)
      values (${c.id}, 'trade-eu', ${c.name}, 'EUR', ${c.terms}, ${c.credit})`);
    const address = { name: c.name, line1: c.street, postalCode: c.postal, city: c.city, country: 'DE' };
    await db.execute(sql`insert into customers.company_locations (id, company_id, name, address)
      values (gen_random_uuid(), ${c.id}, 'Head office', ${JSON.stringify(address)}::jsonb)`);
  }
  for (const [account, company, role, orderLimit, monthlyLimit] of MEMBERS) {
    await db.execute(sql`insert into customers.company_members (account_id, company_id, role, order_limit, monthly_limit)
      values (${account}, ${company}, ${role}, ${orderLimit}, ${monthlyLimit})`);
  }
}
