-- The sales read model (subgraphs/orders/src/reports): one fact per order and one per order line, projected
-- from the outbox by the sales projector, with every figure also in the reporting currency at the rate in
-- force when the order was placed. Reports read only these tables.
CREATE TABLE "orders"."sales_facts" (
  "order_id" text PRIMARY KEY,
  "channel" text NOT NULL,
  "currency" text NOT NULL,
  "placed_at" timestamp with time zone NOT NULL,
  "cancelled" boolean NOT NULL DEFAULT false,
  "units" integer NOT NULL,
  "gross" bigint NOT NULL,
  "discounts" bigint NOT NULL,
  "shipping" bigint NOT NULL,
  "tax" bigint NOT NULL,
  "total" bigint NOT NULL,
  "refunds" bigint NOT NULL DEFAULT 0,
  -- cost of goods at the cost prices of the order's day, and the payment provider's fee (ORDERS_PAYMENT_FEES)
  "cost" bigint NOT NULL DEFAULT 0,
  "fees" bigint NOT NULL DEFAULT 0,
  -- lines whose variant had no cost price then (or no rate to convert it): their cost is not in `cost`
  "uncosted_lines" integer NOT NULL DEFAULT 0,
  "reporting_currency" text NOT NULL,
  -- null when no rate was in force: the report counts such orders instead of guessing
  "rate_ppb" bigint,
  "r_gross" bigint NOT NULL DEFAULT 0,
  "r_discounts" bigint NOT NULL DEFAULT 0,
  "r_shipping" bigint NOT NULL DEFAULT 0,
  "r_tax" bigint NOT NULL DEFAULT 0,
  "r_total" bigint NOT NULL DEFAULT 0,
  "r_refunds" bigint NOT NULL DEFAULT 0,
  "r_cost" bigint NOT NULL DEFAULT 0,
  "r_fees" bigint NOT NULL DEFAULT 0,
  "order_version" integer NOT NULL,
  "projected_at" timestamp with time zone NOT NULL DEFAULT now()
);--> statement-breakpoint
CREATE INDEX "sales_facts_channel_time_idx" ON "orders"."sales_facts" USING btree ("channel", "placed_at");--> statement-breakpoint
CREATE TABLE "orders"."sales_fact_lines" (
  "order_id" text NOT NULL REFERENCES "orders"."sales_facts" ("order_id") ON DELETE CASCADE,
  "line_no" integer NOT NULL,
  "variant_id" text NOT NULL,
  "sku" text NOT NULL,
  "quantity" integer NOT NULL,
  "line_total" bigint NOT NULL,
  "r_line_total" bigint NOT NULL DEFAULT 0,
  PRIMARY KEY ("order_id", "line_no")
);--> statement-breakpoint
CREATE INDEX "sales_fact_lines_variant_idx" ON "orders"."sales_fact_lines" USING btree ("variant_id");--> statement-breakpoint
-- Sums of the facts per UTC day, channel and currency, kept by the projector in the same transaction as the
-- facts (a changed fact's old sums out, its new sums in): a year's report reads at most 366 rows a channel.
-- Amounts and counts are of orders not cancelled; `cancelled` counts the others.
CREATE TABLE "orders"."sales_daily" (
  "day" date NOT NULL,
  "channel" text NOT NULL,
  "currency" text NOT NULL,
  "orders" integer NOT NULL DEFAULT 0,
  "cancelled" integer NOT NULL DEFAULT 0,
  "unconverted" integer NOT NULL DEFAULT 0,
  "units" bigint NOT NULL DEFAULT 0,
  "gross" bigint NOT NULL DEFAULT 0,
  "discounts" bigint NOT NULL DEFAULT 0,
  "shipping" bigint NOT NULL DEFAULT 0,
  "tax" bigint NOT NULL DEFAULT 0,
  "total" bigint NOT NULL DEFAULT 0,
  "refunds" bigint NOT NULL DEFAULT 0,
  "cost" bigint NOT NULL DEFAULT 0,
  "fees" bigint NOT NULL DEFAULT 0,
  "uncosted" integer NOT NULL DEFAULT 0,
  "r_gross" bigint NOT NULL DEFAULT 0,
  "r_discounts" bigint NOT NULL DEFAULT 0,
  "r_shipping" bigint NOT NULL DEFAULT 0,
  "r_tax" bigint NOT NULL DEFAULT 0,
  "r_total" bigint NOT NULL DEFAULT 0,
  "r_refunds" bigint NOT NULL DEFAULT 0,
  "r_cost" bigint NOT NULL DEFAULT 0,
  "r_fees" bigint NOT NULL DEFAULT 0,
  PRIMARY KEY ("channel", "day", "currency")
);--> statement-breakpoint
-- Which transaction wrote each outbox row. The sales projector reads rows in (xid, id) order, and only those of
-- transactions older than every transaction still running (pg_snapshot_xmin): those are finished, so no row can
-- appear behind its cursor later (an id is taken before commit; id 10 can commit after id 11). Existing rows get
-- this migration's transaction id.
ALTER TABLE "orders"."outbox" ADD COLUMN "xid" xid8 NOT NULL DEFAULT pg_current_xact_id();--> statement-breakpoint
CREATE INDEX "outbox_xid_idx" ON "orders"."outbox" USING btree ("xid", "id");--> statement-breakpoint
-- Where the projector is, and the reporting currency its facts are in (a change rebuilds them).
CREATE TABLE "orders"."report_projection" (
  "name" text PRIMARY KEY,
  "last_xid" xid8 NOT NULL DEFAULT '0'::xid8,
  "last_id" bigint NOT NULL DEFAULT 0,
  "reporting_currency" text
);--> statement-breakpoint
INSERT INTO "orders"."report_projection" ("name") VALUES ('sales');--> statement-breakpoint
-- Regions group channels for reports (e.g. europe = web-eu, trade-eu, pos-berlin).
CREATE TABLE "orders"."report_regions" (
  "region" text NOT NULL,
  "channel" text NOT NULL,
  PRIMARY KEY ("region", "channel")
);
