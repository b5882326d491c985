-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION prices.price_changes_to_outbox(changes jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prices.outbox (id, type, channels, aggregate_id, aggregate_version, data)
  SELECT c.seq, 'price.changed', CASE WHEN b.channel IS NULL THEN '{}'::text[] ELSE ARRAY[b.channel] END,
    b.id || ':' || (c.e->>'variant_id'), c.seq, jsonb_build_object(
      'variantId', c.e->>'variant_id', 'bookId', b.id, 'minQuantity', (c.e->>'min_quantity')::int,
      'validFrom', c.e->'valid_from',
      'before', CASE WHEN c.e->'before' = 'null' THEN NULL ELSE jsonb_build_object('amount', (c.e->>'before')::bigint, 'currency', b.currency) END,
      'after', CASE WHEN c.e->'after' = 'null' THEN NULL ELSE jsonb_build_object('amount', (c.e->>'after')::bigint, 'currency', b.currency) END)
  FROM (SELECT nextval('prices.outbox_id_seq') AS seq, x.e
        FROM jsonb_array_elements(changes) WITH ORDINALITY AS x(e, n) ORDER BY x.n) c
  JOIN prices.price_books b ON b.id = c.e->>'book_id';
END $$;
