-- Quotes (issue 14): a trade buyer asks for prices on a cart's lines; staff of the channel propose a unit price
-- per line with an expiry; the buyer orders it through the one checkout saga, which pins those prices. A
-- quote is used once: the checkout that uses it holds it (checkout_id) and gives it back if it is undone.
CREATE TABLE "orders"."quotes" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "channel" text NOT NULL,
  "company_id" text NOT NULL,
  "requested_by" text NOT NULL,
  "cart_id" uuid NOT NULL,
  "currency" text NOT NULL,
  "status" text DEFAULT 'REQUESTED' NOT NULL CHECK ("status" IN ('REQUESTED', 'PROPOSED', 'REJECTED', 'ORDERING')),
  "note" text,
  "reason" text,
  "expires_at" timestamp with time zone,
  "proposed_by" text,
  "checkout_id" uuid,
  "version" integer DEFAULT 1 NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "quotes_company_idx" ON "orders"."quotes" ("company_id", "channel", "created_at" DESC);--> statement-breakpoint
CREATE INDEX "quotes_queue_idx" ON "orders"."quotes" ("channel", "status", "created_at");--> statement-breakpoint
CREATE TABLE "orders"."quote_lines" (
  "quote_id" uuid NOT NULL REFERENCES "orders"."quotes"("id") ON DELETE CASCADE,
  "variant_id" text NOT NULL,
  "quantity" integer NOT NULL CHECK ("quantity" BETWEEN 1 AND 10000),
  -- Minor units of the quote's currency, in the channel's tax basis (net on a tax-exclusive trade channel).
  "unit_amount" bigint CHECK ("unit_amount" >= 0),
  PRIMARY KEY ("quote_id", "variant_id")
);--> statement-breakpoint
ALTER TABLE "orders"."checkouts" ADD COLUMN "quote_id" uuid;
