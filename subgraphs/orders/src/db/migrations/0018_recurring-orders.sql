-- Recurring orders (issue 14): a company's schedule (weekly or monthly) places an order through the one checkout
-- saga for the buyer who set it up, from a snapshot of a saved list's or a cart's lines. Each attempt of a run
-- is a row; its checkout's idempotency key is derived from (schedule, run date, attempt), so replicas running
-- the same attempt at once share one saga and place one order.
CREATE TABLE "orders"."recurring_orders" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "channel" text NOT NULL,
  "company_id" text NOT NULL,
  "customer_id" text NOT NULL,
  -- The buyer's verified channel context when they set it up: each run acts for them in their channel.
  "context" jsonb NOT NULL,
  "name" text NOT NULL,
  "cadence" text NOT NULL CHECK ("cadence" IN ('WEEKLY', 'MONTHLY')),
  -- The day of the month a monthly schedule keeps to (clamped to shorter months, never drifting).
  "anchor_day" integer NOT NULL CHECK ("anchor_day" BETWEEN 1 AND 31),
  "next_run" date NOT NULL,
  "lines" jsonb NOT NULL,
  "source" text NOT NULL CHECK ("source" IN ('SAVED_LIST', 'CART')),
  "email" text,
  "shipping_address" jsonb NOT NULL,
  "shipping_method" text NOT NULL,
  "payment_provider" text NOT NULL,
  "purchase_order" jsonb,
  "status" text DEFAULT 'ACTIVE' NOT NULL CHECK ("status" IN ('ACTIVE', 'PAUSED')),
  "paused_reason" text,
  "failures" integer DEFAULT 0 NOT NULL,
  "version" integer DEFAULT 1 NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "recurring_orders_company_idx" ON "orders"."recurring_orders" ("company_id", "channel", "created_at");--> statement-breakpoint
CREATE INDEX "recurring_orders_due_idx" ON "orders"."recurring_orders" ("next_run") WHERE "status" = 'ACTIVE';--> statement-breakpoint
CREATE TABLE "orders"."recurring_order_runs" (
  "schedule_id" uuid NOT NULL REFERENCES "orders"."recurring_orders"("id") ON DELETE CASCADE,
  "run_date" date NOT NULL,
  "attempt" integer NOT NULL,
  "status" text DEFAULT 'RUNNING' NOT NULL CHECK ("status" IN ('RUNNING', 'PLACED', 'FAILED')),
  "outcome" text,
  "order_id" text,
  "approval_id" text,
  "retry_at" timestamp with time zone,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  PRIMARY KEY ("schedule_id", "run_date", "attempt")
);
