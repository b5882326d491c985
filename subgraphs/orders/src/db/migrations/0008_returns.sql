-- Returns and refunds (issue 13). Orders owns them: a return moves the order's status and writes its events in
-- the order's transaction, and the refund is paid through the order's payment provider.

-- Each channel's return rules, set by staff; a channel without a row gets the defaults (30 days from the day
-- the line's last parcel left, no restocking fee, shipping refunded once the whole order has come back).
CREATE TABLE "orders"."return_policies" (
  "channel" text PRIMARY KEY,
  "window_days" integer NOT NULL DEFAULT 30 CHECK ("window_days" BETWEEN 0 AND 365),
  "restocking_fee_kind" text NOT NULL DEFAULT 'NONE' CHECK ("restocking_fee_kind" IN ('NONE', 'PERCENT', 'FIXED')),
  -- Basis points for PERCENT, minor units of the channel's currency for FIXED (per return).
  "restocking_fee_value" bigint NOT NULL DEFAULT 0 CHECK ("restocking_fee_value" >= 0),
  "shipping_refund" text NOT NULL DEFAULT 'WHOLE_ORDER' CHECK ("shipping_refund" IN ('NEVER', 'WHOLE_ORDER')),
  CHECK ("restocking_fee_kind" <> 'PERCENT' OR "restocking_fee_value" <= 10000),
  "updated_by" text,
  "updated_at" timestamp with time zone NOT NULL DEFAULT now()
);--> statement-breakpoint
-- Refunds booked against the order (pending ones included): never more than the customer paid.
ALTER TABLE "orders"."orders" ADD COLUMN "refunded_total" bigint NOT NULL DEFAULT 0;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_refund_cap" CHECK ("refunded_total" >= 0 AND "refunded_total" <= "total");--> statement-breakpoint
ALTER TABLE "orders"."orders" DROP CONSTRAINT "orders_status_ck";--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_status_ck" CHECK ("status" IN ('PLACED', 'PROCESSING', 'PARTIALLY_FULFILLED', 'FULFILLED',
  'COMPLETED', 'CANCELLED', 'PARTIALLY_RETURNED', 'RETURNED'));--> statement-breakpoint
CREATE TABLE "orders"."returns" (
  "id" text PRIMARY KEY,
  "order_id" text NOT NULL REFERENCES "orders"."orders"("id"),
  "channel" text NOT NULL,
  "status" text NOT NULL DEFAULT 'REQUESTED' CHECK ("status" IN ('REQUESTED', 'APPROVED', 'REJECTED', 'RECEIVED')),
  -- `customer:…`, `guest:…` or `staff:…`: who asked.
  "requested_by" text NOT NULL,
  -- The client's idempotency key (per order) and a hash of what it asked with it.
  "request_key" text NOT NULL,
  "request_hash" text NOT NULL,
  "decided_by" text,
  "decision_reason" text,
  "decided_at" timestamp with time zone,
  "receive_key" text,
  "received_by" text,
  "received_at" timestamp with time zone,
  "version" integer NOT NULL DEFAULT 1,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  "updated_at" timestamp with time zone NOT NULL DEFAULT now(),
  UNIQUE ("order_id", "request_key"),
  CHECK ("status" <> 'REJECTED' OR "decision_reason" IS NOT NULL),
  CHECK ("status" <> 'RECEIVED' OR "receive_key" IS NOT NULL)
);--> statement-breakpoint
CREATE INDEX "returns_order_idx" ON "orders"."returns" ("order_id");--> statement-breakpoint
CREATE INDEX "returns_queue_idx" ON "orders"."returns" ("channel", "status", "created_at");--> statement-breakpoint
CREATE TABLE "orders"."return_lines" (
  "return_id" text NOT NULL REFERENCES "orders"."returns"("id"),
  "line_no" integer NOT NULL,
  "variant_id" text NOT NULL,
  "quantity" integer NOT NULL CHECK ("quantity" > 0),
  "reason" text NOT NULL CHECK ("reason" IN ('DAMAGED', 'WRONG_ITEM', 'NOT_AS_DESCRIBED', 'SIZE_OR_FIT', 'NO_LONGER_NEEDED', 'OTHER')),
  "note" text,
  -- Chosen at receipt: back on hand at location_id, or written off there.
  "disposition" text CHECK ("disposition" IN ('RESTOCK', 'WRITE_OFF')),
  "location_id" text,
  -- RESTOCK_PENDING from the receipt until stock has the units back, then RESTOCKED (the shipments' pattern).
  "stock_status" text,
  PRIMARY KEY ("return_id", "line_no")
);--> statement-breakpoint
CREATE INDEX "return_lines_restock_pending_idx" ON "orders"."return_lines" USING btree ("return_id") WHERE "stock_status" = 'RESTOCK_PENDING';--> statement-breakpoint
-- One refund per received return. Its id is the provider's idempotency key: a crash between the provider's
-- answer and this row's update is retried with the same key, and the provider pays once.
CREATE TABLE "orders"."refunds" (
  "id" text PRIMARY KEY,
  "order_id" text NOT NULL REFERENCES "orders"."orders"("id"),
  "return_id" text NOT NULL UNIQUE REFERENCES "orders"."returns"("id"),
  "channel" text NOT NULL,
  "currency" text NOT NULL,
  "goods" bigint NOT NULL CHECK ("goods" >= 0),
  "restocking_fee" bigint NOT NULL CHECK ("restocking_fee" >= 0),
  "shipping" bigint NOT NULL CHECK ("shipping" >= 0),
  "amount" bigint NOT NULL CHECK ("amount" >= 0),
  "status" text NOT NULL DEFAULT 'PENDING' CHECK ("status" IN ('PENDING', 'REFUNDED', 'FAILED')),
  "provider_ref" text,
  "failure" text,
  "attempts" integer NOT NULL DEFAULT 0,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  "updated_at" timestamp with time zone NOT NULL DEFAULT now(),
  "refunded_at" timestamp with time zone,
  CHECK ("amount" = "goods" - "restocking_fee" + "shipping")
);--> statement-breakpoint
CREATE INDEX "refunds_order_idx" ON "orders"."refunds" ("order_id");--> statement-breakpoint
-- The recovery job pays refunds whose provider call failed or was cut off: it finds them here.
CREATE INDEX "refunds_pending_idx" ON "orders"."refunds" USING btree ("id") WHERE "status" = 'PENDING';
