-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.reserve(p_channel text, p_key text, p_hash text, p_lines jsonb, p_ttl_seconds integer, p_actor text, p_plan jsonb, p_source text DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  v_id uuid;
  v_expires timestamptz;
  v_created timestamptz;
  v_existing record;
  v_unknown text[];
  v_variants text[];
  v_quantities integer[];
  v_shared boolean;
  v_got integer[];
  v_bo record;
  v_bo_take integer;
  v_stale boolean;
  v_short jsonb := '[]'::jsonb;
  -- the locked level rows, in lock order
  k_var text[];
  k_loc text[];
  k_free integer[];
  -- the plan: one entry per (variant, location) drawn from; location null = backorder
  p_var text[];
  p_loc text[];
  p_qty integer[];
  p_fence integer[];
BEGIN
  SELECT array_agg(x.variant_id ORDER BY x.variant_id), array_agg(x.q ORDER BY x.variant_id)
    INTO v_variants, v_quantities
  FROM (SELECT l."variantId" AS variant_id, sum(l.quantity)::integer AS q
        FROM jsonb_to_recordset(p_lines) AS l("variantId" text, quantity integer) GROUP BY 1) x;
  IF v_variants IS NULL THEN
    RAISE EXCEPTION 'a reservation needs at least one line' USING HINT = 'BAD_USER_INPUT';
  END IF;

  SELECT array_agg(v ORDER BY v) INTO v_unknown FROM unnest(v_variants) AS v
  WHERE NOT EXISTS (SELECT 1 FROM stock.levels l WHERE l.variant_id = v)
    AND NOT EXISTS (SELECT 1 FROM stock.backorder_policies b WHERE b.variant_id = v);
  IF v_unknown IS NOT NULL THEN
    RAISE EXCEPTION 'unknown variant: %', array_to_string(v_unknown, ', ')
      USING HINT = 'BAD_USER_INPUT', DETAIL = jsonb_build_object('variantIds', to_jsonb(v_unknown))::text;
  END IF;

  INSERT INTO stock.reservations (channel, idempotency_key, request_hash, actor, expires_at)
  VALUES (p_channel, p_key, p_hash, p_actor, now() + make_interval(secs => p_ttl_seconds))
  ON CONFLICT (channel, idempotency_key) DO NOTHING
  RETURNING id, expires_at, created_at INTO v_id, v_expires, v_created;
  IF v_id IS NULL THEN
    SELECT id, request_hash INTO v_existing FROM stock.reservations WHERE channel = p_channel AND idempotency_key = p_key;
    IF v_existing.request_hash <> p_hash THEN
      RAISE EXCEPTION 'idempotency key already used for a different reservation' USING HINT = 'IDEMPOTENCY_KEY_REUSED';
    END IF;
    RETURN stock.reservation_json(v_existing.id) || jsonb_build_object('replayed', true);
  END IF;

  -- A plan naming a variant the request does not, or more than a line asks for, is a bug in the strategy.
  IF EXISTS (
    SELECT 1 FROM jsonb_to_recordset(coalesce(p_plan, '[]'::jsonb)) AS p("variantId" text, "locationId" text, quantity integer)
    LEFT JOIN unnest(v_variants, v_quantities) AS n(variant_id, need) ON n.variant_id = p."variantId"
    GROUP BY p."variantId", n.need
    HAVING n.need IS NULL OR sum(p.quantity) > n.need OR min(p.quantity) < 1 OR count(DISTINCT p."locationId") < count(*)) THEN
    RAISE EXCEPTION 'the routing plan does not match the request';
  END IF;

  -- Lock and read in one statement: FOR UPDATE returns the newest committed version of each row it
  -- had to wait for. Only the planned rows, of locations the channel sells from, or of the one source location an
  -- endless-aisle order at a till names (p_source: checked by the caller, see aisle-source.service.ts).
  SELECT array_agg(k.variant_id), array_agg(k.location_id), array_agg(k.free)
    INTO k_var, k_loc, k_free
  FROM (
    SELECT l.variant_id, l.location_id, l.on_hand - l.reserved - l.safety_stock AS free
    FROM stock.levels l
    WHERE (l.location_id = p_source OR EXISTS (
        SELECT 1 FROM stock.channel_locations cl WHERE cl.channel = p_channel AND cl.location_id = l.location_id))
      AND (l.variant_id, l.location_id) IN (
      SELECT p."variantId", p."locationId" FROM jsonb_to_recordset(coalesce(p_plan, '[]'::jsonb)) AS p("variantId" text, "locationId" text))
    ORDER BY l.variant_id, l.location_id
    FOR UPDATE OF l) k;

  v_shared := coalesce((SELECT mode = 'SHARED' FROM stock.channel_allocation_policies WHERE channel = p_channel), true);

  -- Fences are read after the locks are granted (a new statement sees what was committed meanwhile).
  -- Allocations keep the plan's order within a variant: the first location routing chose comes first.
  SELECT array_agg(s.variant_id ORDER BY s.variant_id, s.n), array_agg(s.location_id ORDER BY s.variant_id, s.n),
         array_agg(s.qty ORDER BY s.variant_id, s.n), array_agg(least(s.qty, s.own) ORDER BY s.variant_id, s.n),
         coalesce(bool_or(s.qty > s.sellable), false)
    INTO p_var, p_loc, p_qty, p_fence, v_stale
  FROM (
    SELECT p."variantId" AS variant_id, p."locationId" AS location_id, p.quantity AS qty, p.n, coalesce(f.own, 0) AS own,
      CASE WHEN k.free IS NULL THEN 0 ELSE stock.sellable(k.free, coalesce(f.own, 0), coalesce(f.others, 0)) END AS sellable
    FROM ROWS FROM (jsonb_to_recordset(coalesce(p_plan, '[]'::jsonb)) AS ("variantId" text, "locationId" text, quantity integer))
      WITH ORDINALITY AS p("variantId", "locationId", quantity, n)
    LEFT JOIN unnest(k_var, k_loc, k_free) AS k(variant_id, location_id, free) ON k.variant_id = p."variantId" AND k.location_id = p."locationId"
    LEFT JOIN (
      SELECT a.variant_id, a.location_id,
        coalesce(sum(a.remaining) FILTER (WHERE a.channel = p_channel AND NOT v_shared), 0)::integer AS own,
        coalesce(sum(a.remaining) FILTER (WHERE a.channel <> p_channel), 0)::integer AS others
      FROM stock.allocations a WHERE a.variant_id = ANY (v_variants) GROUP BY 1, 2
    ) f ON f.variant_id = p."variantId" AND f.location_id = p."locationId"
  ) s;
  IF v_stale THEN
    DELETE FROM stock.reservations WHERE id = v_id;
    RETURN jsonb_build_object('__typename', 'RouteStale');
  END IF;
  p_var := coalesce(p_var, '{}'); p_loc := coalesce(p_loc, '{}'); p_qty := coalesce(p_qty, '{}'); p_fence := coalesce(p_fence, '{}');

  SELECT array_agg(coalesce(g.got, 0) ORDER BY n.i) INTO v_got
  FROM unnest(v_variants) WITH ORDINALITY AS n(variant_id, i)
  LEFT JOIN (SELECT p.variant_id, sum(p.qty)::integer AS got FROM unnest(p_var, p_qty) AS p(variant_id, qty) GROUP BY 1) g ON g.variant_id = n.variant_id;

  FOR i IN 1 .. array_length(v_variants, 1) LOOP
    CONTINUE WHEN v_got[i] = v_quantities[i];
    SELECT b."limit", b.backordered INTO v_bo FROM stock.backorder_policies b
    WHERE b.channel = p_channel AND b.variant_id = v_variants[i] FOR UPDATE;
    v_bo_take := CASE WHEN FOUND THEN least(v_quantities[i] - v_got[i], greatest(0, v_bo."limit" - v_bo.backordered)) ELSE 0 END;
    IF v_bo_take = v_quantities[i] - v_got[i] THEN
      p_var := p_var || v_variants[i];
      p_loc := p_loc || NULL::text;
      p_qty := p_qty || v_bo_take;
      p_fence := p_fence || 0;
    ELSE
      v_short := v_short || jsonb_build_object('variantId', v_variants[i], 'requested', v_quantities[i], 'available', v_got[i] + v_bo_take);
    END IF;
  END LOOP;

  IF jsonb_array_length(v_short) > 0 THEN
    DELETE FROM stock.reservations WHERE id = v_id;
    RETURN jsonb_build_object('__typename', 'InsufficientStock', 'lines', v_short);
  END IF;

  UPDATE stock.levels l SET reserved = l.reserved + p.qty, updated_at = now()
  FROM unnest(p_var, p_loc, p_qty) AS p(variant_id, location_id, qty)
  WHERE p.location_id IS NOT NULL AND l.variant_id = p.variant_id AND l.location_id = p.location_id;

  IF 0 < ANY (p_fence) THEN
    UPDATE stock.allocations a SET remaining = a.remaining - p.fence, updated_at = now()
    FROM unnest(p_var, p_loc, p_fence) AS p(variant_id, location_id, fence)
    WHERE p.fence > 0 AND a.channel = p_channel AND a.variant_id = p.variant_id AND a.location_id = p.location_id;
  END IF;

  IF array_position(p_loc, NULL) IS NOT NULL THEN
    UPDATE stock.backorder_policies b SET backordered = b.backordered + p.qty, updated_at = now()
    FROM unnest(p_var, p_loc, p_qty) AS p(variant_id, location_id, qty)
    WHERE p.location_id IS NULL AND b.channel = p_channel AND b.variant_id = p.variant_id;
  END IF;

  INSERT INTO stock.reservation_allocations (reservation_id, variant_id, location_id, quantity, fence_quantity)
  SELECT v_id, p.variant_id, p.location_id, p.qty, p.fence
  FROM unnest(p_var, p_loc, p_qty, p_fence) WITH ORDINALITY AS p(variant_id, location_id, qty, fence, n) ORDER BY p.variant_id, p.n;

  INSERT INTO stock.movements (variant_id, location_id, kind, delta_reserved, reason, reference, actor, channel, reservation_id)
  SELECT p.variant_id, p.location_id, 'RESERVATION', p.qty, 'reserved', v_id::text, p_actor, p_channel, v_id
  FROM unnest(p_var, p_loc, p_qty) WITH ORDINALITY AS p(variant_id, location_id, qty, n)
  WHERE p.location_id IS NOT NULL ORDER BY p.n;

  -- The answer is built from the plan, as stock.reservation_json would read it back.
  RETURN jsonb_build_object(
    '__typename', 'Reservation', 'id', v_id, 'channel', p_channel, 'status', 'ACTIVE',
    'expiresAt', v_expires, 'createdAt', v_created,
    'lines', coalesce((
      SELECT jsonb_agg(s.line ORDER BY s.variant_id)
      FROM (
        SELECT p.variant_id, jsonb_build_object(
          'variantId', p.variant_id,
          'quantity', sum(p.qty),
          'backordered', coalesce(sum(p.qty) FILTER (WHERE p.location_id IS NULL), 0),
          'allocations', coalesce(jsonb_agg(jsonb_build_object('locationId', p.location_id, 'quantity', p.qty, 'fromFence', p.fence)
                                   ORDER BY p.n) FILTER (WHERE p.location_id IS NOT NULL), '[]'::jsonb)) AS line
        FROM unnest(p_var, p_loc, p_qty, p_fence) WITH ORDINALITY AS p(variant_id, location_id, qty, fence, n) GROUP BY p.variant_id
      ) s), '[]'::jsonb));
END $$;
