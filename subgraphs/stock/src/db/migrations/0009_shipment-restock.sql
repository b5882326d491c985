-- Fulfilment (issue 13): a shipment cancelled before it left puts back the sold units of its location only,
-- once. `restocked` records how many units of an allocation are back on hand, so a repeat, a race of two
-- cancels, or a later whole-order restock never returns a unit twice.
ALTER TABLE "stock"."reservation_allocations" ADD COLUMN "restocked" integer NOT NULL DEFAULT 0;--> statement-breakpoint
ALTER TABLE "stock"."reservation_allocations" ADD CONSTRAINT "reservation_allocations_restocked_within"
  CHECK ("restocked" >= 0 AND "restocked" <= "quantity");--> statement-breakpoint

-- The sold units of one confirmed reservation at one location (null: every location) go back on hand, as
-- RETURN movements; answers how many units this call put back (0 when they already were). Locks: the
-- reservation row first, then the level rows in (variant, location) order, as every writer.
CREATE OR REPLACE FUNCTION stock.restock_allocations(p_channel text, p_id uuid, p_location text, p_reason text, p_actor text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_status stock.reservation_status;
  v_units integer;
BEGIN
  SELECT status INTO v_status FROM stock.reservations WHERE id = p_id AND channel = p_channel FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no reservation % in this channel', p_id USING HINT = 'NOT_FOUND';
  END IF;
  IF v_status NOT IN ('CONFIRMED', 'RESTOCKED') THEN
    RAISE EXCEPTION 'reservation % is %, not sold', p_id, v_status USING HINT = 'CONFLICT';
  END IF;

  PERFORM 1 FROM stock.levels l
  WHERE (l.variant_id, l.location_id) IN (
    SELECT a.variant_id, a.location_id FROM stock.reservation_allocations a
    WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL AND (p_location IS NULL OR a.location_id = p_location) AND a.restocked < a.quantity)
  ORDER BY l.variant_id, l.location_id
  FOR UPDATE;

  UPDATE stock.levels l SET on_hand = l.on_hand + agg.q, updated_at = now()
  FROM (SELECT a.variant_id, a.location_id, sum(a.quantity - a.restocked)::integer AS q FROM stock.reservation_allocations a
        WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL AND (p_location IS NULL OR a.location_id = p_location) AND a.restocked < a.quantity
        GROUP BY 1, 2) agg
  WHERE l.variant_id = agg.variant_id AND l.location_id = agg.location_id;

  INSERT INTO stock.movements (variant_id, location_id, kind, delta_on_hand, reason, reference, actor, channel, reservation_id)
  SELECT a.variant_id, a.location_id, 'RETURN', a.quantity - a.restocked, p_reason, p_id::text, p_actor, p_channel, p_id
  FROM stock.reservation_allocations a
  WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL AND (p_location IS NULL OR a.location_id = p_location) AND a.restocked < a.quantity
  ORDER BY a.id;
  SELECT coalesce(sum(a.quantity - a.restocked), 0)::integer INTO v_units FROM stock.reservation_allocations a
  WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL AND (p_location IS NULL OR a.location_id = p_location) AND a.restocked < a.quantity;

  UPDATE stock.reservation_allocations a SET restocked = a.quantity
  WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL AND (p_location IS NULL OR a.location_id = p_location) AND a.restocked < a.quantity;
  RETURN v_units;
END $$;--> statement-breakpoint

-- A whole cancelled order: what no shipment cancellation put back yet, once (same answer as 0005).
CREATE OR REPLACE FUNCTION stock.restock_reservation(p_channel text, p_id uuid, p_actor text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_status stock.reservation_status;
BEGIN
  SELECT status INTO v_status FROM stock.reservations WHERE id = p_id AND channel = p_channel FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no reservation % in this channel', p_id USING HINT = 'NOT_FOUND';
  END IF;
  IF v_status = 'RESTOCKED' THEN
    RETURN stock.reservation_json(p_id);
  END IF;
  IF v_status = 'ACTIVE' THEN
    PERFORM stock.settle_reservations(ARRAY[p_id], 'RELEASED', p_actor);
    RETURN stock.reservation_json(p_id);
  END IF;
  IF v_status <> 'CONFIRMED' THEN
    RETURN jsonb_build_object('__typename', 'ReservationNotActive', 'reservationId', p_id, 'status', v_status);
  END IF;
  PERFORM stock.restock_allocations(p_channel, p_id, NULL, 'order cancelled before shipping', p_actor);
  UPDATE stock.reservations SET status = 'RESTOCKED', updated_at = now() WHERE id = p_id;
  RETURN stock.reservation_json(p_id);
END $$;
