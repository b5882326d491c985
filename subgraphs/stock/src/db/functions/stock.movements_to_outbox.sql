-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
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
