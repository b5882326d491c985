-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION products.refresh_search_documents(p_products text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF p_products IS NULL OR cardinality(p_products) = 0 THEN RETURN; END IF;
  PERFORM pg_advisory_xact_lock(hashtext('storegraph:products:rule-membership'));
  -- Rows of products that left a channel went with their channel row (ON DELETE CASCADE).
  INSERT INTO products.channel_search_documents AS d (product_id, channel, locale, config, vector, override_vector)
  SELECT w.product_id, w.channel, w.locale, w.config, w.vector, w.override_vector
  FROM products.channel_search_documents_wanted w WHERE w.product_id = ANY(p_products)
  ON CONFLICT (product_id, channel, locale) DO UPDATE
    SET config = excluded.config, vector = excluded.vector, override_vector = excluded.override_vector
    WHERE (d.config, d.vector, d.override_vector) IS DISTINCT FROM (excluded.config, excluded.vector, excluded.override_vector);
END
$$;
