-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.sellable(free integer, own_fence integer, other_fences integer)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT greatest(0, least(free, greatest(own_fence, free - other_fences)))
$$;
