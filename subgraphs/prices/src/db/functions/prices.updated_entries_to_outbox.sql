-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION prices.updated_entries_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only a changed amount is a price change (an import that repeats today's price announces nothing).
  PERFORM prices.price_changes_to_outbox(coalesce((SELECT jsonb_agg(jsonb_build_object('book_id', n.book_id,
    'variant_id', n.variant_id, 'min_quantity', n.min_quantity, 'valid_from', n.valid_from, 'before', o.amount, 'after', n.amount)
    ORDER BY n.id) FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.amount IS DISTINCT FROM n.amount), '[]'));
  RETURN NULL;
END $$;
