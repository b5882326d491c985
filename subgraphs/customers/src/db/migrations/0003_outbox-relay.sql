-- The relay (packages/kit/src/events/outbox-relay.ts) reads only unpublished rows: index the backlog only.
-- Rows written before the relay existed were read by the mailer straight from the table: not re-sent.
UPDATE "customers"."outbox" SET "published_at" = now() WHERE "published_at" IS NULL;--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "customers"."outbox" USING btree ("id") WHERE "published_at" IS NULL;
