-- Saved lists (requisition lists, issue 14): a trade buyer's list of variants and quantities, their own or
-- shared with their company, that becomes cart lines in one step. Lines are kept as bought (variant ids);
-- what is no longer sold is left out when a list is added to a cart, not deleted from it.
CREATE TABLE "orders"."saved_lists" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "channel" text NOT NULL,
  "company_id" text NOT NULL,
  "owner" text NOT NULL,
  "name" text NOT NULL,
  "shared" boolean DEFAULT false NOT NULL,
  "version" integer DEFAULT 1 NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "saved_lists_company_idx" ON "orders"."saved_lists" ("company_id", "channel", "updated_at" DESC);--> statement-breakpoint
CREATE TABLE "orders"."saved_list_lines" (
  "list_id" uuid NOT NULL REFERENCES "orders"."saved_lists"("id") ON DELETE CASCADE,
  "position" integer NOT NULL,
  "variant_id" text NOT NULL,
  "quantity" integer NOT NULL CHECK ("quantity" BETWEEN 1 AND 10000),
  PRIMARY KEY ("list_id", "variant_id")
);
