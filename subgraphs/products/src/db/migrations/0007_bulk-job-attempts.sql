ALTER TABLE "products"."bulk_jobs" ADD COLUMN "attempt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."bulk_jobs" ADD COLUMN "cursor" integer DEFAULT 0 NOT NULL;
