-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.settle_reservations(p_ids uuid[], p_to stock.reservation_status, p_actor text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_kind stock.movement_kind := CASE p_to WHEN 'CONFIRMED' THEN 'SALE' WHEN 'RELEASED' THEN 'RELEASE' ELSE 'EXPIRY' END;
  v_sale integer := CASE WHEN p_to = 'CONFIRMED' THEN 1 ELSE 0 END;
BEGIN
  IF p_to = 'ACTIVE' THEN
    RAISE EXCEPTION 'cannot settle to ACTIVE';
  END IF;

  PERFORM 1 FROM stock.levels l
  WHERE (l.variant_id, l.location_id) IN (
    SELECT a.variant_id, a.location_id FROM stock.reservation_allocations a
    WHERE a.reservation_id = ANY (p_ids) AND a.location_id IS NOT NULL)
  ORDER BY l.variant_id, l.location_id
  FOR UPDATE;

  UPDATE stock.levels l
  SET reserved = l.reserved - agg.q, on_hand = l.on_hand - agg.q * v_sale, updated_at = now()
  FROM (SELECT a.variant_id, a.location_id, sum(a.quantity)::integer AS q FROM stock.reservation_allocations a
        WHERE a.reservation_id = ANY (p_ids) AND a.location_id IS NOT NULL GROUP BY 1, 2) agg
  WHERE l.variant_id = agg.variant_id AND l.location_id = agg.location_id;

  IF p_to <> 'CONFIRMED' THEN
    UPDATE stock.allocations f SET remaining = f.remaining + agg.q, updated_at = now()
    FROM (SELECT r.channel, a.variant_id, a.location_id, sum(a.fence_quantity)::integer AS q
          FROM stock.reservation_allocations a JOIN stock.reservations r ON r.id = a.reservation_id
          WHERE a.reservation_id = ANY (p_ids) AND a.fence_quantity > 0 GROUP BY 1, 2, 3) agg
    WHERE f.channel = agg.channel AND f.variant_id = agg.variant_id AND f.location_id = agg.location_id;

    PERFORM 1 FROM stock.backorder_policies b
    WHERE (b.channel, b.variant_id) IN (
      SELECT r.channel, a.variant_id FROM stock.reservation_allocations a JOIN stock.reservations r ON r.id = a.reservation_id
      WHERE a.reservation_id = ANY (p_ids) AND a.location_id IS NULL)
    ORDER BY b.channel, b.variant_id
    FOR UPDATE;

    UPDATE stock.backorder_policies b SET backordered = b.backordered - agg.q, updated_at = now()
    FROM (SELECT r.channel, a.variant_id, sum(a.quantity)::integer AS q
          FROM stock.reservation_allocations a JOIN stock.reservations r ON r.id = a.reservation_id
          WHERE a.reservation_id = ANY (p_ids) AND a.location_id IS NULL GROUP BY 1, 2) agg
    WHERE b.channel = agg.channel AND b.variant_id = agg.variant_id;
  END IF;

  INSERT INTO stock.movements (variant_id, location_id, kind, delta_on_hand, delta_reserved, reason, reference, actor, channel, reservation_id)
  SELECT a.variant_id, a.location_id, v_kind, -a.quantity * v_sale, -a.quantity, lower(p_to::text), r.id::text, p_actor, r.channel, r.id
  FROM stock.reservation_allocations a JOIN stock.reservations r ON r.id = a.reservation_id
  WHERE a.reservation_id = ANY (p_ids) AND a.location_id IS NOT NULL
  ORDER BY a.id;

  UPDATE stock.reservations SET status = p_to, updated_at = now() WHERE id = ANY (p_ids);
END $$;
