-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION products.search_documents_on_translations() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE ids text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT product_id) INTO ids FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT product_id) INTO ids FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT n.product_id) INTO ids FROM new_rows n
    LEFT JOIN old_rows o ON o.product_id = n.product_id AND o.locale = n.locale
    WHERE o.search_vector IS DISTINCT FROM n.search_vector;
    SELECT array_agg(DISTINCT o.product_id) || coalesce(ids, '{}') INTO ids FROM old_rows o
    WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.product_id = o.product_id AND n.locale = o.locale);
  END IF;
  PERFORM products.refresh_search_documents(ids);
  RETURN NULL;
END
$$;
