-- The relay (packages/kit/src/events/outbox-relay.ts) marks what it has handed on; it reads only the
-- unpublished rows, so the index stays the size of the backlog, not of the order book's history.
ALTER TABLE "orders"."outbox" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
UPDATE "orders"."outbox" SET "published_at" = now();--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "orders"."outbox" USING btree ("id") WHERE "published_at" IS NULL;
