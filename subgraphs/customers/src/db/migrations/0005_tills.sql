-- POS tills (devices bound to one shop of one POS channel) and the shop staff who sign in on them with a PIN.
-- A till's secret is shown once at registration; only its SHA-256 is stored (256 random bits need no slow hash).
CREATE TABLE "customers"."tills" (
	"id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"location_id" text NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL CHECK ("status" IN ('ACTIVE', 'REVOKED')),
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
-- Shop staff: a staff code unique per channel and a PIN (argon2id, like passwords); CASHIER or MANAGER.
CREATE TABLE "customers"."till_staff" (
	"id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"staff_code" text NOT NULL,
	"name" text NOT NULL,
	"pin_hash" text NOT NULL,
	"role" text NOT NULL CHECK ("role" IN ('CASHIER', 'MANAGER')),
	"status" text DEFAULT 'ACTIVE' NOT NULL CHECK ("status" IN ('ACTIVE', 'DISABLED')),
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "till_staff_code_idx" ON "customers"."till_staff" ("channel", "staff_code");--> statement-breakpoint
-- One row per PIN sign-in on a till; its id is the token's `sid`, ended by sign-out or expiry.
CREATE TABLE "customers"."till_sign_ins" (
	"id" uuid PRIMARY KEY NOT NULL,
	"till_id" text NOT NULL REFERENCES "customers"."tills"("id"),
	"till_staff_id" text NOT NULL REFERENCES "customers"."till_staff"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "till_sign_ins_till_idx" ON "customers"."till_sign_ins" ("till_id");
