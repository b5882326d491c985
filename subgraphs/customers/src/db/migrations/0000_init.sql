CREATE SCHEMA IF NOT EXISTS "customers";
--> statement-breakpoint
-- Which account realm a channel signs people into: channels sharing a realm share accounts (one login on the
-- web shop and the Berlin till); a channel with no row is isolated (its own realm, named after it).
CREATE TABLE "customers"."account_policies" (
  "channel" text PRIMARY KEY,
  "realm" text NOT NULL CHECK ("realm" ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  "updated_at" timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "customers"."accounts" (
  "id" text PRIMARY KEY,
  "realm" text NOT NULL,
  "kind" text NOT NULL DEFAULT 'customer' CHECK ("kind" IN ('customer', 'buyer')),
  "status" text NOT NULL DEFAULT 'ACTIVE' CHECK ("status" IN ('ACTIVE', 'ERASED')),
  "email" text NOT NULL,
  "email_verified_at" timestamptz,
  "password_hash" text,
  "name" text,
  "customer_group" text,
  "created_channel" text NOT NULL,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  "erased_at" timestamptz,
  "version" integer NOT NULL DEFAULT 1
);
--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_realm_email" ON "customers"."accounts" ("realm", lower("email"));
--> statement-breakpoint
-- One row per refresh token. A sign-in starts a family; each refresh marks its row ROTATED and adds the next.
-- Presenting a ROTATED token again means it was stolen (or replayed): the whole family is revoked.
CREATE TABLE "customers"."sessions" (
  "id" uuid PRIMARY KEY,
  "family_id" uuid NOT NULL,
  "account_id" text NOT NULL REFERENCES "customers"."accounts"("id"),
  "channel" text NOT NULL,
  "refresh_hash" text NOT NULL UNIQUE,
  "status" text NOT NULL CHECK ("status" IN ('ACTIVE', 'ROTATED', 'REVOKED')),
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "expires_at" timestamptz NOT NULL,
  "rotated_at" timestamptz,
  "revoked_at" timestamptz,
  "revoke_reason" text
);
--> statement-breakpoint
CREATE INDEX "sessions_family" ON "customers"."sessions" ("family_id");
--> statement-breakpoint
CREATE INDEX "sessions_account" ON "customers"."sessions" ("account_id");
--> statement-breakpoint
-- Single-use tokens mailed to the customer (the mailer reads them from the outbox); only a hash is kept.
CREATE TABLE "customers"."account_tokens" (
  "id" uuid PRIMARY KEY,
  "account_id" text NOT NULL REFERENCES "customers"."accounts"("id"),
  "purpose" text NOT NULL CHECK ("purpose" IN ('VERIFY_EMAIL', 'RESET_PASSWORD')),
  "token_hash" text NOT NULL UNIQUE,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "expires_at" timestamptz NOT NULL,
  "used_at" timestamptz
);
--> statement-breakpoint
CREATE INDEX "account_tokens_account" ON "customers"."account_tokens" ("account_id", "purpose");
--> statement-breakpoint
CREATE TABLE "customers"."addresses" (
  "id" uuid PRIMARY KEY,
  "account_id" text NOT NULL REFERENCES "customers"."accounts"("id"),
  "label" text,
  "address" jsonb NOT NULL,
  "default_shipping" boolean NOT NULL DEFAULT false,
  "default_billing" boolean NOT NULL DEFAULT false,
  "created_at" timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX "addresses_account" ON "customers"."addresses" ("account_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "addresses_one_default_shipping" ON "customers"."addresses" ("account_id") WHERE "default_shipping";
--> statement-breakpoint
CREATE UNIQUE INDEX "addresses_one_default_billing" ON "customers"."addresses" ("account_id") WHERE "default_billing";
--> statement-breakpoint
CREATE TABLE "customers"."companies" (
  "id" text PRIMARY KEY,
  "realm" text NOT NULL,
  "name" text NOT NULL,
  "status" text NOT NULL DEFAULT 'ACTIVE' CHECK ("status" IN ('ACTIVE', 'SUSPENDED')),
  "currency" text NOT NULL CHECK ("currency" ~ '^[A-Z]{3}$'),
  "payment_terms_days" integer NOT NULL DEFAULT 0 CHECK ("payment_terms_days" BETWEEN 0 AND 180),
  "credit_limit" bigint NOT NULL DEFAULT 0 CHECK ("credit_limit" >= 0),
  "created_at" timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "customers"."company_locations" (
  "id" uuid PRIMARY KEY,
  "company_id" text NOT NULL REFERENCES "customers"."companies"("id"),
  "name" text NOT NULL,
  "address" jsonb NOT NULL,
  "created_at" timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX "company_locations_company" ON "customers"."company_locations" ("company_id");
--> statement-breakpoint
-- A buyer acts for exactly one company; limits are in the company's currency, null = no limit.
CREATE TABLE "customers"."company_members" (
  "account_id" text PRIMARY KEY REFERENCES "customers"."accounts"("id"),
  "company_id" text NOT NULL REFERENCES "customers"."companies"("id"),
  "role" text NOT NULL CHECK ("role" IN ('BUYER', 'APPROVER', 'ADMIN')),
  "order_limit" bigint CHECK ("order_limit" >= 0),
  "monthly_limit" bigint CHECK ("monthly_limit" >= 0),
  "added_at" timestamptz NOT NULL DEFAULT now(),
  "updated_at" timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX "company_members_company" ON "customers"."company_members" ("company_id");
--> statement-breakpoint
-- Orders keep the financial record of an erased customer but not their personal data; erasure tells orders
-- through this queue (retried until orders confirms), so an erasure survives orders being down.
CREATE TABLE "customers"."erasures" (
  "account_id" text PRIMARY KEY REFERENCES "customers"."accounts"("id"),
  "requested_at" timestamptz NOT NULL DEFAULT now(),
  "requested_by" text NOT NULL,
  "orders_anonymised_at" timestamptz,
  "attempts" integer NOT NULL DEFAULT 0,
  "last_error" text
);
--> statement-breakpoint
-- Events leave through this outbox, written in the same transaction as the change they describe.
CREATE TABLE "customers"."outbox" (
  "id" bigserial PRIMARY KEY,
  "event_id" uuid DEFAULT gen_random_uuid() NOT NULL UNIQUE,
  "type" text NOT NULL,
  "occurred_at" timestamptz NOT NULL DEFAULT now(),
  "channel" text,
  "aggregate_id" text NOT NULL,
  "aggregate_version" integer NOT NULL,
  "data" jsonb NOT NULL,
  "published_at" timestamptz
);
