-- Net terms and credit (issue 14): an order a trade company pays on terms is invoiced with a due date and
-- uses the company's credit until staff record its payment. The company's terms and limit live in customers
-- (they reach orders in the signed context, read from the record); what is owed is orders' own.
CREATE SEQUENCE "orders"."invoice_number_seq";--> statement-breakpoint
CREATE TABLE "orders"."invoices" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "number" text NOT NULL UNIQUE,
  -- One invoice per checkout: the credit step writes it in the transaction that records the step, so a
  -- replayed step finds it; the order it bills is the one this checkout created.
  "checkout_id" uuid NOT NULL UNIQUE REFERENCES "orders"."checkouts"("id"),
  "company_id" text NOT NULL,
  "channel" text NOT NULL,
  "currency" char(3) NOT NULL,
  "amount" bigint NOT NULL CHECK ("amount" > 0),
  "paid" bigint DEFAULT 0 NOT NULL CHECK ("paid" >= 0 AND "paid" <= "amount"),
  -- OPEN owes (amount - paid); PAID owes nothing; VOID never owed (the checkout failed or the order was cancelled).
  "status" text DEFAULT 'OPEN' NOT NULL CHECK ("status" IN ('OPEN', 'PAID', 'VOID')),
  "issued_at" timestamp with time zone DEFAULT now() NOT NULL,
  "due_at" timestamp with time zone NOT NULL,
  "closed_at" timestamp with time zone
);--> statement-breakpoint
-- What a company owes and what is overdue: read under the company's lock at every checkout on terms.
CREATE INDEX "invoices_company_open_idx" ON "orders"."invoices" ("company_id", "due_at") WHERE "status" = 'OPEN';--> statement-breakpoint
CREATE INDEX "invoices_channel_idx" ON "orders"."invoices" ("channel", "issued_at" DESC);--> statement-breakpoint
CREATE TABLE "orders"."invoice_payments" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "invoice_id" uuid NOT NULL REFERENCES "orders"."invoices"("id"),
  "amount" bigint NOT NULL CHECK ("amount" > 0),
  "reference" text,
  "recorded_by" text NOT NULL,
  -- Staff retry a payment entry with the same key: it is recorded once.
  "idempotency_key" text NOT NULL,
  "recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
  UNIQUE ("invoice_id", "idempotency_key")
);--> statement-breakpoint
-- The seller's credit rules for a company, set by staff: beyond the available credit an order is refused or
-- goes to the company's approver; an overdue invoice blocks new orders on terms (the default).
CREATE TABLE "orders"."company_credit_policies" (
  "company_id" text PRIMARY KEY NOT NULL,
  "over_limit" text DEFAULT 'REFUSE' NOT NULL CHECK ("over_limit" IN ('REFUSE', 'APPROVAL')),
  "block_when_overdue" boolean DEFAULT true NOT NULL,
  "updated_by" text,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
