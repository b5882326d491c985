-- Reservation, settlement and expiry as plpgsql functions: each use case is ONE round trip from the
-- subgraph, so the row locks it takes are held for one function call, not for several network round
-- trips. The locking rules are explained in subgraphs/stock/README.md and at the top of
-- src/services/reservation.service.ts. In short:
--   1. a (variant, location) level row lock guards the level AND the ring-fences of that pair;
--   2. level rows are always locked in (variant_id, location_id) order, in one statement, before any
--      other lock (backorder rows after them, in (channel, variant_id) order);
--   3. reservation rows are locked before levels and waited for only while holding nothing else; the
--      sweeper never waits for them (SKIP LOCKED).

-- Units a channel may reserve at one level: its own unconsumed fence, or what is left of the shared
-- pool once every other channel's fence is set aside, whichever is larger, never more than is free.
-- free = on_hand - reserved - safety_stock. The availability loader uses the same function.
CREATE OR REPLACE FUNCTION stock.sellable(free integer, own_fence integer, other_fences integer)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT greatest(0, least(free, greatest(own_fence, free - other_fences)))
$$;
--> statement-breakpoint

-- The ledger is append-only.
CREATE OR REPLACE FUNCTION stock.movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'stock.movements is append-only';
END $$;
--> statement-breakpoint
CREATE TRIGGER movements_append_only BEFORE UPDATE OR DELETE ON stock.movements
  FOR EACH STATEMENT EXECUTE FUNCTION stock.movements_append_only();
--> statement-breakpoint

-- Every movement records an event in the same transaction; no code path can forget it.
CREATE OR REPLACE FUNCTION stock.movements_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stock.outbox (topic, aggregate_id, payload)
  SELECT 'stock.movement.recorded', m.variant_id, jsonb_build_object(
    'movementId', m.id, 'kind', m.kind, 'variantId', m.variant_id, 'locationId', m.location_id,
    'deltaOnHand', m.delta_on_hand, 'deltaReserved', m.delta_reserved, 'reason', m.reason,
    'reference', m.reference, 'actor', m.actor, 'channel', m.channel, 'reservationId', m.reservation_id,
    'createdAt', m.created_at)
  FROM inserted m ORDER BY m.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER movements_outbox AFTER INSERT ON stock.movements
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION stock.movements_to_outbox();
--> statement-breakpoint

-- A reservation as the API returns it (also for an idempotent replay).
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
--> statement-breakpoint

-- Reserve all lines or none for one channel. p_lines: [{"variantId": text, "quantity": int}], already
-- validated (quantities > 0, at most 1,000 lines). Returns a Reservation or an InsufficientStock object;
-- raises with HINT = an API error code for invalid input (which rolls back everything).
CREATE OR REPLACE FUNCTION stock.reserve(p_channel text, p_key text, p_hash text, p_lines jsonb, p_ttl_seconds integer, p_actor text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
  v_existing record;
  v_unknown text[];
  v_variants text[];
  v_locked text[] := '{}';
  v_quantities integer[];
  v_shared boolean;
  v_need integer;
  v_take integer;
  v_fence_take integer;
  v_got integer;
  v_bo record;
  v_bo_take integer;
  v_short jsonb := '[]'::jsonb;
  lvl record;
  -- the plan: one entry per (variant, location) drawn from; location null = backorder
  p_var text[] := '{}';
  p_loc text[] := '{}';
  p_qty integer[] := '{}';
  p_fence integer[] := '{}';
BEGIN
  SELECT array_agg(x.variant_id ORDER BY x.variant_id), array_agg(x.q ORDER BY x.variant_id)
    INTO v_variants, v_quantities
  FROM (SELECT l."variantId" AS variant_id, sum(l.quantity)::integer AS q
        FROM jsonb_to_recordset(p_lines) AS l("variantId" text, quantity integer) GROUP BY 1) x;
  IF v_variants IS NULL THEN
    RAISE EXCEPTION 'a reservation needs at least one line' USING HINT = 'BAD_USER_INPUT';
  END IF;

  -- A variant the ledger has never heard of is a client error, not "out of stock".
  SELECT array_agg(v ORDER BY v) INTO v_unknown FROM unnest(v_variants) AS v
  WHERE NOT EXISTS (SELECT 1 FROM stock.levels l WHERE l.variant_id = v)
    AND NOT EXISTS (SELECT 1 FROM stock.backorder_policies b WHERE b.variant_id = v);
  IF v_unknown IS NOT NULL THEN
    RAISE EXCEPTION 'unknown variant: %', array_to_string(v_unknown, ', ')
      USING HINT = 'BAD_USER_INPUT', DETAIL = jsonb_build_object('variantIds', to_jsonb(v_unknown))::text;
  END IF;

  -- Idempotency: a concurrent request with the same key waits here on the unique index until this
  -- transaction ends, then either sees our committed row (replay) or, if we wrote nothing, inserts.
  INSERT INTO stock.reservations (channel, idempotency_key, request_hash, actor, expires_at)
  VALUES (p_channel, p_key, p_hash, p_actor, now() + make_interval(secs => p_ttl_seconds))
  ON CONFLICT (channel, idempotency_key) DO NOTHING
  RETURNING id INTO v_id;
  IF v_id IS NULL THEN
    SELECT id, request_hash INTO v_existing FROM stock.reservations WHERE channel = p_channel AND idempotency_key = p_key;
    IF v_existing.request_hash <> p_hash THEN
      RAISE EXCEPTION 'idempotency key already used for a different reservation' USING HINT = 'IDEMPOTENCY_KEY_REUSED';
    END IF;
    RETURN stock.reservation_json(v_existing.id) || jsonb_build_object('replayed', true);
  END IF;

  -- All level rows this request may touch, locked in one statement in (variant_id, location_id) order.
  -- Only these rows are planned from below: a level row created meanwhile (a first receipt at a new
  -- location) is not locked by us and is left alone.
  SELECT array_agg(k.key) INTO v_locked FROM (
    SELECT l.variant_id || E'\x1f' || l.location_id AS key FROM stock.levels l
    WHERE l.variant_id = ANY (v_variants)
      AND l.location_id IN (SELECT cl.location_id FROM stock.channel_locations cl WHERE cl.channel = p_channel)
    ORDER BY l.variant_id, l.location_id
    FOR UPDATE) k;

  v_shared := coalesce((SELECT mode = 'SHARED' FROM stock.channel_allocation_policies WHERE channel = p_channel), true);

  FOR i IN 1 .. array_length(v_variants, 1) LOOP
    v_need := v_quantities[i];
    v_got := 0;
    -- Locations in the channel's priority: the own fence first, then the shared pool.
    FOR lvl IN
      SELECT l.location_id, l.on_hand - l.reserved - l.safety_stock AS free,
        CASE WHEN v_shared THEN 0 ELSE coalesce((SELECT a.remaining FROM stock.allocations a
          WHERE a.channel = p_channel AND a.variant_id = l.variant_id AND a.location_id = l.location_id), 0) END AS own,
        coalesce((SELECT sum(a.remaining) FROM stock.allocations a
          WHERE a.channel <> p_channel AND a.variant_id = l.variant_id AND a.location_id = l.location_id), 0)::integer AS others
      FROM stock.levels l
      JOIN stock.channel_locations cl ON cl.location_id = l.location_id AND cl.channel = p_channel
      WHERE l.variant_id = v_variants[i] AND l.variant_id || E'\x1f' || l.location_id = ANY (v_locked)
      ORDER BY cl.priority, l.location_id
    LOOP
      EXIT WHEN v_need = 0;
      v_take := least(v_need, stock.sellable(lvl.free, lvl.own, lvl.others));
      CONTINUE WHEN v_take = 0;
      v_fence_take := least(v_take, lvl.own);
      p_var := p_var || v_variants[i];
      p_loc := p_loc || lvl.location_id;
      p_qty := p_qty || v_take;
      p_fence := p_fence || v_fence_take;
      v_need := v_need - v_take;
      v_got := v_got + v_take;
    END LOOP;

    IF v_need > 0 THEN
      SELECT b."limit", b.backordered INTO v_bo FROM stock.backorder_policies b
      WHERE b.channel = p_channel AND b.variant_id = v_variants[i] FOR UPDATE;
      v_bo_take := CASE WHEN FOUND THEN least(v_need, greatest(0, v_bo."limit" - v_bo.backordered)) ELSE 0 END;
      IF v_bo_take = v_need THEN
        p_var := p_var || v_variants[i];
        p_loc := p_loc || NULL::text;
        p_qty := p_qty || v_bo_take;
        p_fence := p_fence || 0;
        v_need := 0;
      ELSE
        v_short := v_short || jsonb_build_object('variantId', v_variants[i], 'requested', v_quantities[i], 'available', v_got + v_bo_take);
      END IF;
    END IF;
  END LOOP;

  IF jsonb_array_length(v_short) > 0 THEN
    -- Nothing is held for a failed attempt; a retry with the same key tries again.
    DELETE FROM stock.reservations WHERE id = v_id;
    RETURN jsonb_build_object('__typename', 'InsufficientStock', 'lines', v_short);
  END IF;

  UPDATE stock.levels l SET reserved = l.reserved + p.qty, updated_at = now()
  FROM unnest(p_var, p_loc, p_qty) AS p(variant_id, location_id, qty)
  WHERE p.location_id IS NOT NULL AND l.variant_id = p.variant_id AND l.location_id = p.location_id;

  UPDATE stock.allocations a SET remaining = a.remaining - p.fence, updated_at = now()
  FROM unnest(p_var, p_loc, p_fence) AS p(variant_id, location_id, fence)
  WHERE p.fence > 0 AND a.channel = p_channel AND a.variant_id = p.variant_id AND a.location_id = p.location_id;

  UPDATE stock.backorder_policies b SET backordered = b.backordered + p.qty, updated_at = now()
  FROM unnest(p_var, p_loc, p_qty) AS p(variant_id, location_id, qty)
  WHERE p.location_id IS NULL AND b.channel = p_channel AND b.variant_id = p.variant_id;

  INSERT INTO stock.reservation_allocations (reservation_id, variant_id, location_id, quantity, fence_quantity)
  SELECT v_id, p.variant_id, p.location_id, p.qty, p.fence
  FROM unnest(p_var, p_loc, p_qty, p_fence) WITH ORDINALITY AS p(variant_id, location_id, qty, fence, n) ORDER BY p.n;

  INSERT INTO stock.movements (variant_id, location_id, kind, delta_reserved, reason, reference, actor, channel, reservation_id)
  SELECT p.variant_id, p.location_id, 'RESERVATION', p.qty, 'reserved', v_id::text, p_actor, p_channel, v_id
  FROM unnest(p_var, p_loc, p_qty) WITH ORDINALITY AS p(variant_id, location_id, qty, n)
  WHERE p.location_id IS NOT NULL ORDER BY p.n;

  RETURN stock.reservation_json(v_id);
END $$;
--> statement-breakpoint

-- Ends ACTIVE reservations: CONFIRMED (a sale: on hand and reserved both drop), RELEASED or EXPIRED
-- (reserved drops, fenced units go back to the channel's fence, backorder promises are withdrawn).
-- The caller holds the reservations' row locks and has checked they are ACTIVE; the status change
-- happens in this same transaction, so the units of a reservation come back exactly once.
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
--> statement-breakpoint

-- Confirm or release one reservation of a channel. Repeating the same transition returns the
-- reservation unchanged; any other non-active state is reported as data (ReservationNotActive).
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
--> statement-breakpoint

-- One sweep: expires up to p_batch overdue reservations and returns how many. Safe with any number of
-- sweepers at once: SKIP LOCKED hands each overdue row to exactly one of them, and the row's status is
-- re-checked once locked, so a row another sweeper (or a confirm) already finished is not touched again.
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
