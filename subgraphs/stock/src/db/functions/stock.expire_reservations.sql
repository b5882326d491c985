-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.expire_reservations(p_batch integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_ids uuid[];
BEGIN
  SELECT array_agg(s.id) INTO v_ids FROM (
    SELECT r.id FROM stock.reservations r
    WHERE r.status = 'ACTIVE' AND r.expires_at <= clock_timestamp()
    ORDER BY r.expires_at, r.id
    LIMIT p_batch
    FOR UPDATE SKIP LOCKED) s;
  IF v_ids IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM stock.settle_reservations(v_ids, 'EXPIRED', 'system:expiry');
  RETURN cardinality(v_ids);
END $$;
