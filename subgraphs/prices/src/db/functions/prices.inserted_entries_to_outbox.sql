-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION prices.inserted_entries_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM prices.price_changes_to_outbox(coalesce((SELECT jsonb_agg(jsonb_build_object('book_id', n.book_id,
    'variant_id', n.variant_id, 'min_quantity', n.min_quantity, 'valid_from', n.valid_from, 'before', NULL, 'after', n.amount)
    ORDER BY n.id) FROM new_rows n), '[]'));
  RETURN NULL;
END $$;
