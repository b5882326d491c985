-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
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
END $$;
