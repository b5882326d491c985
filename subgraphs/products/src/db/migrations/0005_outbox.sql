-- Business events of the catalog (schema/src/events/event-envelope.ts), written by the staff write services
-- in the transaction of the change (services/product-events.ts). One product.updated concerns every channel
-- the product is visible in before or after the change, hence `channels` rather than one channel.
CREATE TABLE "products"."outbox" (
  "id" bigserial PRIMARY KEY,
  "event_id" uuid DEFAULT gen_random_uuid() NOT NULL UNIQUE,
  "type" text NOT NULL,
  "channels" text[] NOT NULL,
  "aggregate_id" text NOT NULL,
  "aggregate_version" bigint NOT NULL,
  "data" jsonb NOT NULL,
  "occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
  "published_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "products"."outbox" USING btree ("id") WHERE "published_at" IS NULL;
