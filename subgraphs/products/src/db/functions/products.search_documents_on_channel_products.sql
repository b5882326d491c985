-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION products.search_documents_on_channel_products() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM products.refresh_search_documents(ARRAY(SELECT DISTINCT product_id FROM new_rows));
  ELSE
    PERFORM products.refresh_search_documents(ARRAY(
      SELECT DISTINCT n.product_id FROM new_rows n JOIN old_rows o ON o.channel = n.channel AND o.product_id = n.product_id
      WHERE o.name_override IS DISTINCT FROM n.name_override));
  END IF;
  RETURN NULL;
END
$$;
