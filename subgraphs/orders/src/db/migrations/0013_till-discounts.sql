-- A POS channel's manual-discount rule: a cashier takes off at most this share of a sale (basis points) and, if
-- set, this amount alone; above it a manager approves. No row: the default (10 %, no amount cap).
CREATE TABLE "orders"."till_discount_policies" (
	"channel" text PRIMARY KEY NOT NULL,
	"max_percent_bp" integer NOT NULL CHECK ("max_percent_bp" BETWEEN 0 AND 10000),
	"max_amount" bigint CHECK ("max_amount" >= 0),
	"currency" text NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
-- What a till sale took off by hand (on top of promotions) and which manager approved it, for the receipt and audit.
ALTER TABLE "orders"."till_sales" ADD COLUMN "manual_discount" bigint DEFAULT 0 NOT NULL CHECK ("manual_discount" >= 0);--> statement-breakpoint
ALTER TABLE "orders"."till_sales" ADD COLUMN "discount_approved_by" text;--> statement-breakpoint
ALTER TABLE "orders"."till_sales" ADD COLUMN "discount_approver_name" text;--> statement-breakpoint
-- An offline sale above the threshold without a valid approval is still recorded (the goods left) and flagged.
ALTER TABLE "orders"."till_discrepancies" DROP CONSTRAINT "till_discrepancies_kind_check";--> statement-breakpoint
ALTER TABLE "orders"."till_discrepancies" ADD CONSTRAINT "till_discrepancies_kind_check"
	CHECK ("kind" IN ('STOCK_SHORTFALL', 'PRICE_CHANGED', 'DISCOUNT_NOT_APPROVED'));--> statement-breakpoint
-- The stock an offline sale is about to take, written BEFORE stock is asked: the reservation key is a pure
-- function of (till, client id, attempt) and the lines are the ones asked for, so a retry after a crash asks
-- stock for the same reservation (its idempotency replays it) instead of choosing again from what is left.
CREATE TABLE "orders"."till_offline_stock" (
	"till_id" text NOT NULL,
	"client_id" text NOT NULL,
	"attempt" integer NOT NULL CHECK ("attempt" >= 1),
	"lines" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("till_id", "client_id")
);
