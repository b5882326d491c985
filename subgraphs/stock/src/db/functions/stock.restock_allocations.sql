-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.restock_allocations(p_channel text, p_id uuid, p_location text, p_lines jsonb, p_reference text, p_reason text, p_actor text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_status stock.reservation_status;
  t_id bigint[];
  t_take integer[];
  v_units integer;
BEGIN
  SELECT status INTO v_status FROM stock.reservations WHERE id = p_id AND channel = p_channel FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no reservation % in this channel', p_id USING HINT = 'NOT_FOUND';
  END IF;
  IF v_status NOT IN ('CONFIRMED', 'RESTOCKED') THEN
    RAISE EXCEPTION 'reservation % is %, not sold', p_id, v_status USING HINT = 'CONFLICT';
  END IF;
  IF p_reference IS NOT NULL THEN
    INSERT INTO stock.restocks (reservation_id, reference) VALUES (p_id, p_reference) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      RETURN 0;
    END IF;
  END IF;

  SELECT array_agg(x.id ORDER BY x.variant_id, x.location_id), array_agg(x.take ORDER BY x.variant_id, x.location_id) INTO t_id, t_take
  FROM (
    SELECT a.id, a.variant_id, a.location_id, least(a.quantity - a.restocked, coalesce(l.quantity, a.quantity)) AS take
    FROM stock.reservation_allocations a
    LEFT JOIN jsonb_to_recordset(p_lines) AS l("variantId" text, quantity integer) ON l."variantId" = a.variant_id
    WHERE a.reservation_id = p_id AND a.location_id IS NOT NULL AND (p_location IS NULL OR a.location_id = p_location)
      AND (p_lines IS NULL OR l."variantId" IS NOT NULL) AND a.restocked < a.quantity) x
  WHERE x.take > 0;
  IF t_id IS NULL THEN
    RETURN 0;
  END IF;

  PERFORM 1 FROM stock.levels l
  WHERE (l.variant_id, l.location_id) IN (SELECT a.variant_id, a.location_id FROM stock.reservation_allocations a WHERE a.id = ANY (t_id))
  ORDER BY l.variant_id, l.location_id
  FOR UPDATE;

  UPDATE stock.levels l SET on_hand = l.on_hand + t.take, updated_at = now()
  FROM unnest(t_id, t_take) AS t(id, take) JOIN stock.reservation_allocations a ON a.id = t.id
  WHERE l.variant_id = a.variant_id AND l.location_id = a.location_id;

  INSERT INTO stock.movements (variant_id, location_id, kind, delta_on_hand, reason, reference, actor, channel, reservation_id)
  SELECT a.variant_id, a.location_id, 'RETURN', t.take, p_reason, coalesce(p_reference, p_id::text), p_actor, p_channel, p_id
  FROM unnest(t_id, t_take) WITH ORDINALITY AS t(id, take, n) JOIN stock.reservation_allocations a ON a.id = t.id
  ORDER BY t.n;

  UPDATE stock.reservation_allocations a SET restocked = a.restocked + t.take
  FROM unnest(t_id, t_take) AS t(id, take) WHERE a.id = t.id;

  SELECT sum(t)::integer INTO v_units FROM unnest(t_take) AS t;
  IF p_reference IS NOT NULL THEN
    UPDATE stock.restocks SET units = v_units WHERE reservation_id = p_id AND reference = p_reference;
  END IF;
  RETURN v_units;
END $$;
