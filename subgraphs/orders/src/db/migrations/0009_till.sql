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
