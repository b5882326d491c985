-- An endpoint that keeps failing is disabled and flagged (webhook-dispatcher.ts): `failing_since` is the
-- first failed attempt since its last success (null while it answers), and once every attempt has failed
-- for WEBHOOK_DISABLE_AFTER_SECONDS the next failure sets `enabled` false with the time and the reason.
ALTER TABLE "webhooks"."endpoints" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhooks"."endpoints" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhooks"."endpoints" ADD COLUMN "disabled_reason" text;
