import { bigint, bigserial, boolean, integer, jsonb, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Address } from '@storegraph/schema';

/** The customer record owns this Postgres schema; no other subgraph reads it. */
export const customersSchema = pgSchema('customers');

const at = (name: string) => timestamp(name, { withTimezone: true });

export const accountPolicies = customersSchema.table('account_policies', {
  channel: text('channel').primaryKey(),
  realm: text('realm').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export type AccountKind = 'customer' | 'buyer';
export type AccountStatus = 'ACTIVE' | 'ERASED';

export const accounts = customersSchema.table('accounts', {
  id: text('id').primaryKey(),
  realm: text('realm').notNull(),
  kind: text('kind').$type<AccountKind>().notNull().default('customer'),
  status: text('status').$type<AccountStatus>().notNull().default('ACTIVE'),
  email: text('email').notNull(),
  emailVerifiedAt: at('email_verified_at'),
  passwordHash: text('password_hash'),
  name: text('name'),
  customerGroup: text('customer_group'),
  createdChannel: text('created_channel').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
  erasedAt: at('erased_at'),
  version: integer('version').notNull().default(1),
});

export type SessionStatus = 'ACTIVE' | 'ROTATED' | 'REVOKED';

export const sessions = customersSchema.table('sessions', {
  id: uuid('id').primaryKey(),
  familyId: uuid('family_id').notNull(),
  accountId: text('account_id').notNull(),
  channel: text('channel').notNull(),
  refreshHash: text('refresh_hash').notNull(),
  status: text('status').$type<SessionStatus>().notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at').notNull(),
  rotatedAt: at('rotated_at'),
  revokedAt: at('revoked_at'),
  revokeReason: text('revoke_reason'),
});

export type TokenPurpose = 'VERIFY_EMAIL' | 'RESET_PASSWORD';

export const accountTokens = customersSchema.table('account_tokens', {
  id: uuid('id').primaryKey(),
  accountId: text('account_id').notNull(),
  purpose: text('purpose').$type<TokenPurpose>().notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at').notNull(),
  usedAt: at('used_at'),
});

/** A mail link's plain token, for the mailer only (events carry `tokenId`); deleted once the token is used. */
export const mailSecrets = customersSchema.table('mail_secrets', {
  tokenId: uuid('token_id').primaryKey(),
  token: text('token').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const addresses = customersSchema.table('addresses', {
  id: uuid('id').primaryKey(),
  accountId: text('account_id').notNull(),
  label: text('label'),
  address: jsonb('address').$type<Address>().notNull(),
  defaultShipping: boolean('default_shipping').notNull().default(false),
  defaultBilling: boolean('default_billing').notNull().default(false),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const companies = customersSchema.table('companies', {
  id: text('id').primaryKey(),
  realm: text('realm').notNull(),
  name: text('name').notNull(),
  status: text('status').$type<'ACTIVE' | 'SUSPENDED'>().notNull().default('ACTIVE'),
  currency: text('currency').notNull(),
  paymentTermsDays: integer('payment_terms_days').notNull().default(0),
  /** Minor units of the company's currency. */
  creditLimit: bigint('credit_limit', { mode: 'number' }).notNull().default(0),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const companyLocations = customersSchema.table('company_locations', {
  id: uuid('id').primaryKey(),
  companyId: text('company_id').notNull(),
  name: text('name').notNull(),
  address: jsonb('address').$type<Address>().notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

export type CompanyRole = 'BUYER' | 'APPROVER' | 'ADMIN';

export const companyMembers = customersSchema.table('company_members', {
  accountId: text('account_id').primaryKey(),
  companyId: text('company_id').notNull(),
  role: text('role').$type<CompanyRole>().notNull(),
  /** Minor units of the company's currency; null = no limit. */
  orderLimit: bigint('order_limit', { mode: 'number' }),
  monthlyLimit: bigint('monthly_limit', { mode: 'number' }),
  addedAt: at('added_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export const erasures = customersSchema.table('erasures', {
  accountId: text('account_id').primaryKey(),
  requestedAt: at('requested_at').notNull().defaultNow(),
  requestedBy: text('requested_by').notNull(),
  ordersAnonymisedAt: at('orders_anonymised_at'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
});

export const outbox = customersSchema.table('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull().defaultRandom(),
  type: text('type').notNull(),
  occurredAt: at('occurred_at').notNull().defaultNow(),
  channel: text('channel'),
  aggregateId: text('aggregate_id').notNull(),
  aggregateVersion: integer('aggregate_version').notNull(),
  data: jsonb('data').notNull(),
  publishedAt: at('published_at'),
});

export const externalIdentities = customersSchema.table(
  'external_identities',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    realm: text('realm').notNull(),
    accountId: text('account_id').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject, t.realm] })],
);

export type StaffStatus = 'ACTIVE' | 'DISABLED';

/** Built-in staff accounts (the admin BFF signs them in); roles apply on `channels` ('*' = all). */
export const staffMembers = customersSchema.table('staff_members', {
  id: text('id').primaryKey(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  passwordHash: text('password_hash'),
  roles: text('roles').array().notNull().default([]),
  channels: text('channels').array().notNull().default([]),
  totpSecret: text('totp_secret'),
  totpEnabledAt: at('totp_enabled_at'),
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  status: text('status').$type<StaffStatus>().notNull().default('ACTIVE'),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

/** Named sets of permissions; the built-in ones (one permission each) are seeded and never change. */
export const staffRoles = customersSchema.table('staff_roles', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  permissions: text('permissions').array().notNull(),
  builtIn: boolean('built_in').notNull().default(false),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

/** A role given to a staff member on channels (null locations: the whole channels; else only those locations). */
export const staffGrants = customersSchema.table('staff_grants', {
  id: text('id').primaryKey(),
  staffId: text('staff_id').notNull(),
  roleId: text('role_id').notNull(),
  channels: text('channels').array().notNull(),
  locations: text('locations').array(),
  grantedBy: text('granted_by').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const staffSessions = customersSchema.table('staff_sessions', {
  id: uuid('id').primaryKey(),
  familyId: uuid('family_id').notNull(),
  staffId: text('staff_id').notNull(),
  refreshHash: text('refresh_hash').notNull(),
  status: text('status').$type<SessionStatus>().notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at').notNull(),
  rotatedAt: at('rotated_at'),
  revokedAt: at('revoked_at'),
  revokeReason: text('revoke_reason'),
});

/** POS tills: a device bound to one shop of one POS channel; only the secret's SHA-256 is kept. */
export const tills = customersSchema.table('tills', {
  id: text('id').primaryKey(),
  channel: text('channel').notNull(),
  locationId: text('location_id').notNull(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  status: text('status').$type<'ACTIVE' | 'REVOKED'>().notNull().default('ACTIVE'),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

/** Shop staff who sign in on a till with a staff code and a PIN (argon2id). */
export const tillStaff = customersSchema.table('till_staff', {
  id: text('id').primaryKey(),
  channel: text('channel').notNull(),
  staffCode: text('staff_code').notNull(),
  name: text('name').notNull(),
  pinHash: text('pin_hash').notNull(),
  role: text('role').$type<'CASHIER' | 'MANAGER'>().notNull(),
  status: text('status').$type<StaffStatus>().notNull().default('ACTIVE'),
  /** Null: every shop of the channel; else only tills in these stock locations (bound to the channel when written). */
  locationIds: text('location_ids').array(),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const tillSignIns = customersSchema.table('till_sign_ins', {
  id: uuid('id').primaryKey(),
  tillId: text('till_id').notNull(),
  tillStaffId: text('till_staff_id').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at').notNull(),
  endedAt: at('ended_at'),
});
