-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.channel_available(v text, ch text) RETURNS integer LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT coalesce(sum(stock.sellable(l.on_hand - l.reserved - l.safety_stock, coalesce(f.own, 0), coalesce(f.others, 0))), 0)::int
    FROM stock.levels l
    JOIN stock.channel_locations cl ON cl.location_id = l.location_id AND cl.channel = ch
    LEFT JOIN LATERAL (
      SELECT (sum(a.remaining) FILTER (WHERE a.channel = ch AND EXISTS (
                SELECT 1 FROM stock.channel_allocation_policies p WHERE p.channel = ch AND p.mode <> 'SHARED')))::int AS own,
             (sum(a.remaining) FILTER (WHERE a.channel <> ch))::int AS others
      FROM stock.allocations a WHERE a.variant_id = l.variant_id AND a.location_id = l.location_id) f ON true
    WHERE l.variant_id = v);
END $$;
