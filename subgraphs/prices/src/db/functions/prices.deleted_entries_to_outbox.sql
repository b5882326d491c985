-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION prices.deleted_entries_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM prices.price_changes_to_outbox(coalesce((SELECT jsonb_agg(jsonb_build_object('book_id', o.book_id,
    'variant_id', o.variant_id, 'min_quantity', o.min_quantity, 'valid_from', o.valid_from, 'before', o.amount, 'after', NULL)
    ORDER BY o.id) FROM old_rows o), '[]'));
  RETURN NULL;
END $$;
