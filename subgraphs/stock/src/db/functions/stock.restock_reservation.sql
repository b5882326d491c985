-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
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

  -- Same lock order as every other level change: (variant, location).
  PERFORM 1 FROM stock.levels l
  WHERE (l.variant_id, l.location_id) IN (
    SELECT a.variant_id, a.location_id FROM stock.reservation_allocations a WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL)
  ORDER BY l.variant_id, l.location_id
  FOR UPDATE;

  UPDATE stock.levels l SET on_hand = l.on_hand + agg.q, updated_at = now()
  FROM (SELECT a.variant_id, a.location_id, sum(a.quantity)::integer AS q FROM stock.reservation_allocations a
        WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL GROUP BY 1, 2) agg
  WHERE l.variant_id = agg.variant_id AND l.location_id = agg.location_id;

  INSERT INTO stock.movements (variant_id, location_id, kind, delta_on_hand, reason, reference, actor, channel, reservation_id)
  SELECT a.variant_id, a.location_id, 'RETURN', a.quantity, 'order cancelled before shipping', p_id::text, p_actor, p_channel, p_id
  FROM stock.reservation_allocations a
  WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL AND a.quantity > 0
  ORDER BY a.id;

  UPDATE stock.reservations SET status = 'RESTOCKED', updated_at = now() WHERE id = p_id;
  RETURN stock.reservation_json(p_id);
END $$;
