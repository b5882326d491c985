-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.reservation_json(p_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    '__typename', 'Reservation', 'id', r.id, 'channel', r.channel, 'status', r.status,
    'expiresAt', r.expires_at, 'createdAt', r.created_at,
    'lines', coalesce((
      SELECT jsonb_agg(s.line ORDER BY s.variant_id)
      FROM (
        SELECT a.variant_id, jsonb_build_object(
          'variantId', a.variant_id,
          'quantity', sum(a.quantity),
          'backordered', coalesce(sum(a.quantity) FILTER (WHERE a.location_id IS NULL), 0),
          'allocations', coalesce(jsonb_agg(jsonb_build_object('locationId', a.location_id, 'quantity', a.quantity, 'fromFence', a.fence_quantity)
                                   ORDER BY a.id) FILTER (WHERE a.location_id IS NOT NULL), '[]'::jsonb)) AS line
        FROM stock.reservation_allocations a WHERE a.reservation_id = r.id GROUP BY a.variant_id
      ) s), '[]'::jsonb))
  FROM stock.reservations r WHERE r.id = p_id
$$;
