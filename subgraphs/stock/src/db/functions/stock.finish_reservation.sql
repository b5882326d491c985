-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.finish_reservation(p_channel text, p_id uuid, p_to stock.reservation_status, p_actor text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_status stock.reservation_status;
  v_expires timestamptz;
BEGIN
  SELECT status, expires_at INTO v_status, v_expires FROM stock.reservations
  WHERE id = p_id AND channel = p_channel FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no reservation % in this channel', p_id USING HINT = 'NOT_FOUND';
  END IF;
  IF v_status = p_to THEN
    RETURN stock.reservation_json(p_id);
  END IF;
  IF v_status = 'ACTIVE' AND v_expires <= clock_timestamp() AND p_to = 'CONFIRMED' THEN
    -- Too late to sell; expire it now rather than waiting for the sweeper.
    PERFORM stock.settle_reservations(ARRAY[p_id], 'EXPIRED', 'system:expiry');
    v_status := 'EXPIRED';
  END IF;
  IF v_status <> 'ACTIVE' THEN
    RETURN jsonb_build_object('__typename', 'ReservationNotActive', 'reservationId', p_id, 'status', v_status);
  END IF;
  PERFORM stock.settle_reservations(ARRAY[p_id], p_to, p_actor);
  RETURN stock.reservation_json(p_id);
END $$;
