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
  PERFORM stock.restock_allocations(p_channel, p_id, NULL, NULL, NULL, 'order cancelled before shipping', p_actor);
  UPDATE stock.reservations SET status = 'RESTOCKED', updated_at = now() WHERE id = p_id;
  RETURN stock.reservation_json(p_id);
END $$;
