-- Approval chains (issue 14): a trade checkout above the buyer's per-order limit or monthly budget waits
-- here, its saga paused (checkouts.status PENDING_APPROVAL) with the stock held until `expires_at`.
ALTER TABLE "orders"."checkouts" DROP CONSTRAINT "checkouts_status_check";--> statement-breakpoint
ALTER TABLE "orders"."checkouts" ADD CONSTRAINT "checkouts_status_check"
  CHECK ("status" IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'FAILED', 'PENDING_APPROVAL'));--> statement-breakpoint
ALTER TABLE "orders"."company_order_policies" ADD COLUMN "approver_limit" bigint;--> statement-breakpoint
ALTER TABLE "orders"."company_order_policies" ADD COLUMN "approval_seconds" integer DEFAULT 86400 NOT NULL;--> statement-breakpoint
CREATE TABLE "orders"."approvals" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "checkout_id" uuid NOT NULL REFERENCES "orders"."checkouts" ("id") ON DELETE CASCADE,
  "channel" text NOT NULL,
  "company_id" text NOT NULL,
  "requested_by" text NOT NULL,
  "total" bigint NOT NULL,
  "currency" text NOT NULL,
  "reasons" jsonb NOT NULL,
  "level" text NOT NULL CHECK ("level" IN ('APPROVER', 'ADMIN')),
  "status" text DEFAULT 'PENDING' NOT NULL CHECK ("status" IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED')),
  "expires_at" timestamp with time zone NOT NULL,
  "decided_by" text,
  "decision_key" text,
  "decision_reason" text,
  "decided_at" timestamp with time zone,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_checkout_uq" ON "orders"."approvals" ("checkout_id");--> statement-breakpoint
CREATE INDEX "approvals_company_idx" ON "orders"."approvals" ("company_id", "status", "created_at");--> statement-breakpoint
-- The expiry job reads only what is still pending: the index stays the size of the waiting list.
CREATE INDEX "approvals_due_idx" ON "orders"."approvals" ("expires_at") WHERE "status" = 'PENDING';--> statement-breakpoint
-- The monthly budget sums a buyer's checkouts of the month.
CREATE INDEX "checkouts_owner_month_idx" ON "orders"."checkouts" ("owner", "created_at");
