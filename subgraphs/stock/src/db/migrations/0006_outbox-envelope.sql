-- The stock outbox takes the envelope every outbox has (schema/src/events/event-envelope.ts): an event id
-- receivers de-duplicate on, the catalogue's type, the channel and a per-variant version. The version is
-- the ledger movement's id: it grows per variant without a counter row every movement would have to lock.
ALTER TABLE "stock"."outbox" RENAME COLUMN "topic" TO "type";--> statement-breakpoint
ALTER TABLE "stock"."outbox" RENAME COLUMN "payload" TO "data";--> statement-breakpoint
ALTER TABLE "stock"."outbox" RENAME COLUMN "created_at" TO "occurred_at";--> statement-breakpoint
ALTER TABLE "stock"."outbox" ADD COLUMN "event_id" uuid DEFAULT gen_random_uuid() NOT NULL UNIQUE;--> statement-breakpoint
ALTER TABLE "stock"."outbox" ADD COLUMN "channel" text;--> statement-breakpoint
ALTER TABLE "stock"."outbox" ADD COLUMN "aggregate_version" bigint;--> statement-breakpoint
UPDATE "stock"."outbox" SET "type" = 'stock.changed', "channel" = "data"->>'channel',
  "aggregate_version" = ("data"->>'movementId')::bigint;--> statement-breakpoint
ALTER TABLE "stock"."outbox" ALTER COLUMN "aggregate_version" SET NOT NULL;--> statement-breakpoint

CREATE OR REPLACE FUNCTION stock.movements_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stock.outbox (type, channel, aggregate_id, aggregate_version, data)
  SELECT 'stock.changed', m.channel, m.variant_id, m.id, jsonb_build_object(
    'movementId', m.id, 'kind', m.kind, 'variantId', m.variant_id, 'locationId', m.location_id,
    'deltaOnHand', m.delta_on_hand, 'deltaReserved', m.delta_reserved, 'reason', m.reason,
    'reference', m.reference, 'actor', m.actor, 'channel', m.channel, 'reservationId', m.reservation_id,
    'createdAt', m.created_at)
  FROM inserted m ORDER BY m.id;
  RETURN NULL;
END $$;
