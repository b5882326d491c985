-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.return_allocations(p_channel text, p_id uuid, p_variant text, p_quantity integer, p_location text,
  p_write_off boolean, p_reference text, p_actor text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_status stock.reservation_status;
  v_left integer;
  v_take integer;
  r record;
BEGIN
  SELECT status INTO v_status FROM stock.reservations WHERE id = p_id AND channel = p_channel FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no reservation % in this channel', p_id USING HINT = 'NOT_FOUND';
  END IF;
  IF v_status NOT IN ('CONFIRMED', 'RESTOCKED') THEN
    RAISE EXCEPTION 'reservation % is %, not sold', p_id, v_status USING HINT = 'CONFLICT';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM stock.locations WHERE id = p_location) THEN
    RAISE EXCEPTION 'no location %', p_location USING HINT = 'NOT_FOUND';
  END IF;
  INSERT INTO stock.restocks (reservation_id, reference) VALUES (p_id, p_reference) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  SELECT coalesce(sum(quantity - restocked), 0) INTO v_left
  FROM stock.reservation_allocations WHERE reservation_id = p_id AND variant_id = p_variant AND location_id IS NOT NULL;
  IF v_left < p_quantity THEN
    RAISE EXCEPTION '% units of % are sold and not yet back, % asked', v_left, p_variant, p_quantity USING HINT = 'CONFLICT';
  END IF;

  v_left := p_quantity;
  FOR r IN SELECT id, quantity - restocked AS open FROM stock.reservation_allocations
    WHERE reservation_id = p_id AND variant_id = p_variant AND location_id IS NOT NULL AND restocked < quantity ORDER BY location_id, id
  LOOP
    EXIT WHEN v_left = 0;
    v_take := least(r.open, v_left);
    UPDATE stock.reservation_allocations SET restocked = restocked + v_take WHERE id = r.id;
    v_left := v_left - v_take;
  END LOOP;

  INSERT INTO stock.levels (variant_id, location_id) VALUES (p_variant, p_location) ON CONFLICT DO NOTHING;
  PERFORM 1 FROM stock.levels WHERE variant_id = p_variant AND location_id = p_location FOR UPDATE;
  INSERT INTO stock.movements (variant_id, location_id, kind, delta_on_hand, reason, reference, actor, channel, reservation_id)
  VALUES (p_variant, p_location, 'RETURN', p_quantity, 'customer return', p_reference, p_actor, p_channel, p_id);
  IF p_write_off THEN
    INSERT INTO stock.movements (variant_id, location_id, kind, delta_on_hand, reason, reference, actor, channel, reservation_id)
    VALUES (p_variant, p_location, 'ADJUSTMENT', -p_quantity, 'customer return written off', p_reference, p_actor, p_channel, p_id);
  ELSE
    UPDATE stock.levels SET on_hand = on_hand + p_quantity, updated_at = now() WHERE variant_id = p_variant AND location_id = p_location;
  END IF;
  UPDATE stock.restocks SET units = p_quantity WHERE reservation_id = p_id AND reference = p_reference;
  RETURN p_quantity;
END $$;
