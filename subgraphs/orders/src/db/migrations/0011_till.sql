-- A till's cash session: opened by a cashier with the float in the drawer, closed with the cash counted.
-- At most one open session per till (the partial unique index), so two cashiers cannot open the same drawer twice.
CREATE TABLE "orders"."till_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"till_id" text NOT NULL,
	"channel" text NOT NULL,
	"location_id" text NOT NULL,
	"currency" text NOT NULL,
	"opened_by" text NOT NULL,
	"opening_float" bigint NOT NULL CHECK ("opening_float" >= 0),
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" text,
	"counted_cash" bigint CHECK ("counted_cash" >= 0),
	"closed_at" timestamp with time zone
);--> statement-breakpoint
CREATE UNIQUE INDEX "till_sessions_open_idx" ON "orders"."till_sessions" ("till_id") WHERE "closed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "till_sessions_till_idx" ON "orders"."till_sessions" ("till_id", "opened_at");
--> statement-breakpoint
-- A sale at a till: its order, how it was paid and when, applied once per (till, client id): the online
-- sale's idempotency key or an offline sale's client-generated id.
CREATE TABLE "orders"."till_sales" (
	"id" text PRIMARY KEY NOT NULL,
	"till_id" text NOT NULL,
	"client_id" text NOT NULL,
	"request_hash" text NOT NULL,
	"till_session_id" text,
	"channel" text NOT NULL,
	"location_id" text NOT NULL,
	"cashier_id" text NOT NULL,
	"order_id" text NOT NULL,
	"tenders" jsonb NOT NULL,
	"cash_taken" bigint NOT NULL,
	"card_taken" bigint NOT NULL,
	"change_given" bigint NOT NULL,
	"sold_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "till_sales_client_idx" ON "orders"."till_sales" ("till_id", "client_id");--> statement-breakpoint
CREATE INDEX "till_sales_session_idx" ON "orders"."till_sales" ("till_session_id");
--> statement-breakpoint
-- What an offline sale left for staff to look at: units sold that the shop's stock no longer had (a recorded
-- shortfall: on-hand never goes below zero, so the units that were not there are counted here), and prices that
-- changed between the till's snapshot and the sync (honoured as sold).
CREATE TABLE "orders"."till_discrepancies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"till_sale_id" text NOT NULL,
	"till_id" text NOT NULL,
	"channel" text NOT NULL,
	"location_id" text NOT NULL,
	"kind" text NOT NULL CHECK ("kind" IN ('STOCK_SHORTFALL', 'PRICE_CHANGED')),
	"variant_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"sold_unit" bigint,
	"current_unit" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "till_discrepancies_location_idx" ON "orders"."till_discrepancies" ("channel", "location_id", "created_at");
