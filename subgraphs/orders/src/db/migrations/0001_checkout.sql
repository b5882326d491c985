-- Carts, the checkout saga and the order book (issue 22).
-- Order status becomes a checked text column: the life cycle placed -> processing -> partially fulfilled ->
-- fulfilled -> completed (or cancelled) is enforced by the state machine in src/domain, the CHECK is the
-- last line of defence. The seed's PENDING/CONFIRMED orders map to PLACED/PROCESSING.
ALTER TABLE "orders"."orders" ALTER COLUMN "status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "orders"."orders" ALTER COLUMN "status" TYPE text USING (
  CASE "status"::text WHEN 'PENDING' THEN 'PLACED' WHEN 'CONFIRMED' THEN 'PROCESSING' ELSE "status"::text END);--> statement-breakpoint
DROP TYPE "orders"."order_status";--> statement-breakpoint
ALTER TABLE "orders"."orders" ALTER COLUMN "status" SET DEFAULT 'PLACED';--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_status_ck"
  CHECK ("status" IN ('PLACED', 'PROCESSING', 'PARTIALLY_FULFILLED', 'FULFILLED', 'COMPLETED', 'CANCELLED'));--> statement-breakpoint
ALTER TABLE "orders"."orders"
  ADD COLUMN "version" integer DEFAULT 1 NOT NULL,
  ADD COLUMN "owner" text,
  ADD COLUMN "email" text,
  ADD COLUMN "shipping_address" jsonb,
  ADD COLUMN "billing_address" jsonb,
  ADD COLUMN "shipping_method" text,
  ADD COLUMN "pickup_location_id" text,
  ADD COLUMN "tax_included" boolean DEFAULT true NOT NULL,
  ADD COLUMN "subtotal" bigint,
  ADD COLUMN "discount_total" bigint DEFAULT 0 NOT NULL,
  ADD COLUMN "shipping_total" bigint DEFAULT 0 NOT NULL,
  ADD COLUMN "tax_total" bigint DEFAULT 0 NOT NULL,
  ADD COLUMN "payment_provider" text,
  ADD COLUMN "payment_ref" text,
  ADD COLUMN "payment_status" text,
  ADD COLUMN "reservation_id" uuid,
  ADD COLUMN "stock_status" text,
  ADD COLUMN "checkout_id" uuid,
  ADD COLUMN "cancel_reason" text,
  ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "orders"."orders" SET "subtotal" = "total" WHERE "subtotal" IS NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ALTER COLUMN "subtotal" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_checkout_uq" ON "orders"."orders" ("checkout_id");--> statement-breakpoint
CREATE INDEX "orders_queue_idx" ON "orders"."orders" ("channel", "status", "placed_at", "id");--> statement-breakpoint
ALTER TABLE "orders"."order_lines"
  ADD COLUMN "discount_total" bigint DEFAULT 0 NOT NULL,
  ADD COLUMN "tax" bigint DEFAULT 0 NOT NULL,
  ADD COLUMN "tax_rate_bp" integer;--> statement-breakpoint

-- Order numbers: per channel, a prefix and a counter bumped in the order's own transaction, so numbers are
-- unique, increasing and gapless per channel (a rolled-back order gives its number back).
CREATE TABLE "orders"."order_numbers" (
  "channel" text PRIMARY KEY,
  "prefix" text NOT NULL,
  "last_value" bigint DEFAULT 0 NOT NULL
);--> statement-breakpoint

CREATE TABLE "orders"."carts" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "channel" text NOT NULL,
  "owner" text NOT NULL,
  "customer_id" text,
  "company_id" text,
  "currency" text NOT NULL,
  "status" text DEFAULT 'ACTIVE' NOT NULL CHECK ("status" IN ('ACTIVE', 'CHECKING_OUT', 'COMPLETED', 'MERGED')),
  "version" integer DEFAULT 1 NOT NULL,
  "email" text,
  "shipping_address" jsonb,
  "billing_address" jsonb,
  "shipping_method" text,
  "pickup_location_id" text,
  "coupon_codes" text[] DEFAULT '{}' NOT NULL,
  "checkout_id" uuid,
  "order_id" text,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  "expires_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
CREATE INDEX "carts_owner_idx" ON "orders"."carts" ("channel", "owner", "status", "updated_at");--> statement-breakpoint
CREATE TABLE "orders"."cart_lines" (
  "cart_id" uuid NOT NULL REFERENCES "orders"."carts"("id") ON DELETE CASCADE,
  "variant_id" text NOT NULL,
  "quantity" integer NOT NULL CHECK ("quantity" BETWEEN 1 AND 10000),
  "added_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  PRIMARY KEY ("cart_id", "variant_id")
);--> statement-breakpoint

-- The checkout saga: one row per placeOrder idempotency key, its steps' outcomes persisted before the next
-- step starts, a lease so that one worker (the request, or the recovery job after a crash) drives it.
CREATE TABLE "orders"."checkouts" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "channel" text NOT NULL,
  "owner" text NOT NULL,
  "idempotency_key" text NOT NULL,
  "request_hash" text NOT NULL,
  "cart_id" uuid NOT NULL,
  "context" jsonb NOT NULL,
  "payment_provider" text NOT NULL,
  "expected_total" bigint NOT NULL,
  "status" text DEFAULT 'RUNNING' NOT NULL CHECK ("status" IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'FAILED')),
  "step" text DEFAULT 'started' NOT NULL,
  "result" jsonb,
  "lease_until" timestamp with time zone NOT NULL,
  "attempts" integer DEFAULT 0 NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "checkouts_key_uq" UNIQUE ("channel", "owner", "idempotency_key")
);--> statement-breakpoint
CREATE INDEX "checkouts_unfinished_idx" ON "orders"."checkouts" ("lease_until") WHERE "status" IN ('RUNNING', 'COMPENSATING');--> statement-breakpoint
CREATE TABLE "orders"."checkout_steps" (
  "checkout_id" uuid NOT NULL REFERENCES "orders"."checkouts"("id") ON DELETE CASCADE,
  "step" text NOT NULL,
  "outcome" jsonb NOT NULL,
  "at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
  PRIMARY KEY ("checkout_id", "step")
);--> statement-breakpoint

-- Transactional outbox: written in the same transaction as the change it announces.
CREATE TABLE "orders"."outbox" (
  "id" bigserial PRIMARY KEY,
  "event_id" uuid DEFAULT gen_random_uuid() NOT NULL UNIQUE,
  "type" text NOT NULL,
  "channel" text NOT NULL,
  "aggregate_id" text NOT NULL,
  "aggregate_version" integer NOT NULL,
  "data" jsonb NOT NULL,
  "occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
