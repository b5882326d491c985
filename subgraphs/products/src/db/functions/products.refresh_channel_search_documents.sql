-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION products.refresh_channel_search_documents(p_channel text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('storegraph:products:rule-membership'));
  DELETE FROM products.channel_search_documents d USING products.sales_channels sc
  WHERE sc.code = p_channel AND d.channel = p_channel AND NOT (d.locale = ANY(sc.locales));
  INSERT INTO products.channel_search_documents AS d (product_id, channel, locale, config, vector, override_vector)
  SELECT w.product_id, w.channel, w.locale, w.config, w.vector, w.override_vector
  FROM products.channel_search_documents_wanted w WHERE w.channel = p_channel
  ON CONFLICT (product_id, channel, locale) DO UPDATE
    SET config = excluded.config, vector = excluded.vector, override_vector = excluded.override_vector
    WHERE (d.config, d.vector, d.override_vector) IS DISTINCT FROM (excluded.config, excluded.vector, excluded.override_vector);
END
$$;
