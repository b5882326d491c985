-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION products.search_documents_on_sales_channels() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE c text;
BEGIN
  FOR c IN SELECT n.code FROM new_rows n JOIN old_rows o ON o.code = n.code
    WHERE (o.locales, o.default_locale) IS DISTINCT FROM (n.locales, n.default_locale) LOOP
    PERFORM products.refresh_channel_search_documents(c);
  END LOOP;
  RETURN NULL;
END
$$;
