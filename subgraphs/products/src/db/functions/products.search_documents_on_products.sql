-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION products.search_documents_on_products() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM products.refresh_search_documents(ARRAY(
    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.search_vector IS DISTINCT FROM n.search_vector));
  RETURN NULL;
END
$$;
