-- Purchase orders (issue 14): a trade order carries the buyer's PO number and cost centre to the invoice.
-- The saga keeps them from the request until create_order writes them on the order (a crash in between
-- must not lose them: recovery finishes the saga from the checkout row).
ALTER TABLE "orders"."orders" ADD COLUMN "purchase_order" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "cost_centre" text;--> statement-breakpoint
ALTER TABLE "orders"."checkouts" ADD COLUMN "purchase_order" jsonb;--> statement-breakpoint
-- Buyers and staff search by PO number prefix, case-insensitively: text_pattern_ops lets `like 'po-12%'`
-- use the index whatever the database's collation. Partial: most orders (every B2C one) have no PO.
CREATE INDEX "orders_company_po_idx" ON "orders"."orders" ("company_id", lower("purchase_order") text_pattern_ops)
  WHERE "purchase_order" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "orders_channel_po_idx" ON "orders"."orders" ("channel", lower("purchase_order") text_pattern_ops)
  WHERE "purchase_order" IS NOT NULL;--> statement-breakpoint
-- A company's ordering rules, set by its admin on the trade portal. Orders owns them because it enforces
-- them at checkout (the company itself lives in customers); no row = the defaults (PO optional).
CREATE TABLE "orders"."company_order_policies" (
  "company_id" text PRIMARY KEY NOT NULL,
  "purchase_order_required" boolean DEFAULT false NOT NULL,
  "updated_by" text,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
