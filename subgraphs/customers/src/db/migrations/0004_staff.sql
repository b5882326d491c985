-- Built-in staff accounts for the admin BFF (an external OpenID Connect provider can be used instead).
-- Roles apply on the channels listed ('*' for every channel); a DISABLED member's sessions end at once.
CREATE TABLE "customers"."staff_members" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"roles" text[] DEFAULT '{}' NOT NULL,
	"channels" text[] DEFAULT '{}' NOT NULL,
	-- base32 TOTP secret; set by enrolment, in force once confirmed with a code (totp_enabled_at).
	"totp_secret" text,
	"totp_enabled_at" timestamp with time zone,
	-- The last TOTP time step accepted: a code is good once, so one seen over a shoulder cannot be replayed.
	"totp_last_step" bigint,
	"status" text DEFAULT 'ACTIVE' NOT NULL CHECK ("status" IN ('ACTIVE', 'DISABLED')),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "staff_members_email_idx" ON "customers"."staff_members" (lower("email"));--> statement-breakpoint
CREATE TABLE "customers"."staff_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"family_id" uuid NOT NULL,
	"staff_id" text NOT NULL REFERENCES "customers"."staff_members"("id"),
	"refresh_hash" text NOT NULL,
	"status" text NOT NULL CHECK ("status" IN ('ACTIVE', 'ROTATED', 'REVOKED')),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"rotated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoke_reason" text
);--> statement-breakpoint
CREATE INDEX "staff_sessions_family_idx" ON "customers"."staff_sessions" ("family_id");
