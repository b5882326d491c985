-- The document each (channel, locale) searches, one row per product of the channel and locale of the channel,
-- so a storefront search is one GIN lookup instead of a correlated subquery per product of the channel.
-- btree_gin lets the GIN index hold channel and locale beside the vector, so a search fetches only its own
-- (channel, locale)'s rows: at 100,000 demo products "Jacke" for web-eu de-DE read 6,055 pages for its 12,857 rows,
-- where a GIN on the vector alone fetched the 31,427 rows of every German-reading pair (11,856 pages); a word
-- matching nothing read 8 pages against 2. The gap grows with the channels sharing a language.
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE TABLE "products"."channel_search_documents" (
	"product_id" text NOT NULL,
	"channel" text NOT NULL,
	"locale" text NOT NULL,
	"config" regconfig NOT NULL,
	"vector" tsvector NOT NULL,
	"override_vector" tsvector,
	CONSTRAINT "channel_search_documents_pk" PRIMARY KEY("product_id","channel","locale"),
	CONSTRAINT "channel_search_documents_channel_product_fk" FOREIGN KEY ("channel","product_id") REFERENCES "products"."channel_products"("channel","product_id") ON DELETE CASCADE
);--> statement-breakpoint
-- What every row should hold, by the read path's fallback chain: the translation in the locale, else another
-- region of its language, else the channel default (skipped for a reader of the master's language), else the
-- master; ties broken by locale as the displayed name is. A channel's name override is searched in the reader's
-- locale's configuration, beside the document and not in its rank, as it was before this table.
CREATE VIEW "products"."channel_search_documents_wanted" AS
SELECT cp.product_id, cp.channel, l.locale, d.config, d.vector,
	CASE WHEN cp.name_override IS NOT NULL THEN to_tsvector(products.search_config(l.locale), cp.name_override) END AS override_vector
FROM products.sales_channels sc
JOIN products.channel_products cp ON cp.channel = sc.code
CROSS JOIN LATERAL unnest(sc.locales) AS l(locale)
CROSS JOIN LATERAL (
	SELECT c.config, c.vector FROM (
		SELECT products.search_config(t.locale) AS config, t.search_vector AS vector, t.locale,
			CASE WHEN t.locale = l.locale THEN 0 WHEN t.locale LIKE left(l.locale, 2) || '-%' THEN 1 ELSE 2 END AS prio
		FROM products.product_translations t
		WHERE t.product_id = cp.product_id
			AND (t.locale = l.locale OR t.locale LIKE left(l.locale, 2) || '-%' OR (t.locale = sc.default_locale AND left(l.locale, 2) <> 'en'))
		UNION ALL
		SELECT products.search_config('en-GB'), p.search_vector, '', 9 FROM products.products p WHERE p.id = cp.product_id
	) c ORDER BY c.prio, c.locale LIMIT 1
) d;--> statement-breakpoint
-- One writer at a time, held to commit, on the rule-membership lock (the rule refresh inserts channel rows, so one
-- key for both cannot deadlock on order): a refresh that waited starts after the other committed and sees its
-- write. Without it an edit of a product's German translation and of its master name racing would each compute
-- the documents from a snapshot without the other's write, and the later upsert would put the old text back.
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
$$;--> statement-breakpoint
-- A channel's locales or default locale changed: every document of the channel, and none in a dropped locale.
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
$$;--> statement-breakpoint
-- Statement triggers with transition tables: a bulk import of 1,000 translations refreshes once, not 1,000 times.
-- Triggers rather than calls in the services because every writer (admin edits, bulk import, rules, the demo
-- seed, a hand-run fix) must keep the documents true in its own transaction, and a trigger cannot be forgotten.
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
$$;--> statement-breakpoint
CREATE TRIGGER "search_documents_translations_insert" AFTER INSERT ON "products"."product_translations"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products.search_documents_on_translations();--> statement-breakpoint
CREATE TRIGGER "search_documents_translations_update" AFTER UPDATE ON "products"."product_translations"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products.search_documents_on_translations();--> statement-breakpoint
CREATE TRIGGER "search_documents_translations_delete" AFTER DELETE ON "products"."product_translations"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION products.search_documents_on_translations();--> statement-breakpoint
-- The master name or description: the document of every locale that falls back to the master.
CREATE OR REPLACE FUNCTION products.search_documents_on_products() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM products.refresh_search_documents(ARRAY(
    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.search_vector IS DISTINCT FROM n.search_vector));
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "search_documents_products_update" AFTER UPDATE ON "products"."products"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products.search_documents_on_products();--> statement-breakpoint
-- A product entering a channel (assignment or rule) gets its documents there; a name override is searched.
-- Leaving is the channel row's delete, which cascades. Sort order, visibility and flags change no document.
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
$$;--> statement-breakpoint
CREATE TRIGGER "search_documents_channel_products_insert" AFTER INSERT ON "products"."channel_products"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products.search_documents_on_channel_products();--> statement-breakpoint
CREATE TRIGGER "search_documents_channel_products_update" AFTER UPDATE ON "products"."channel_products"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products.search_documents_on_channel_products();--> statement-breakpoint
-- A channel's locales or default locale: recomputed for the whole channel (an admin's rare edit).
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
$$;--> statement-breakpoint
CREATE TRIGGER "search_documents_sales_channels_update" AFTER UPDATE ON "products"."sales_channels"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products.search_documents_on_sales_channels();--> statement-breakpoint
-- Backfill: every channel's documents as the triggers would have written them.
SELECT products.refresh_channel_search_documents(code) FROM products.sales_channels;--> statement-breakpoint
-- Built after the backfill, in one pass. fastupdate off: with it on, inserted entries wait in the index's pending
-- list (up to 4 MB) until vacuum, and every search reads the whole list (443 pages for a word matching nothing,
-- right after the backfill of 100,000 products); off, each write puts its entries in place, a little slower.
CREATE INDEX "channel_search_documents_vector_idx" ON "products"."channel_search_documents" USING gin ("channel","locale","vector") WITH (fastupdate = off);--> statement-breakpoint
CREATE INDEX "channel_search_documents_override_idx" ON "products"."channel_search_documents" USING gin ("channel","locale","override_vector") WITH (fastupdate = off) WHERE "override_vector" IS NOT NULL;
