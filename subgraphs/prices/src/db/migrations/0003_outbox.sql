-- Business events of the prices subgraph (schema/src/events/event-envelope.ts), written in the transaction of
-- the change. Unlike orders and stock, one event can concern several channels, hence `channels`.
CREATE TABLE "prices"."outbox" (
  "id" bigserial PRIMARY KEY,
  "event_id" uuid DEFAULT gen_random_uuid() NOT NULL UNIQUE,
  "type" text NOT NULL,
  "channels" text[] NOT NULL,
  "aggregate_id" text NOT NULL,
  "aggregate_version" bigint NOT NULL,
  "data" jsonb NOT NULL,
  "occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
  "published_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "prices"."outbox" USING btree ("id") WHERE "published_at" IS NULL;--> statement-breakpoint

-- price.changed from the entries themselves: every writer (import, replace-all, a future single-entry
-- mutation) is covered without remembering to. Statement-level triggers with transition tables, so a
-- 10,000-entry import writes its events in one INSERT. The aggregate is the variant in the book; its version
-- is the outbox row's id (taken from the sequence in entry order), which grows per aggregate because
-- writers of one entry serialise on its row lock. A book without a channel (BASE, unscoped GROUP/COMPANY)
-- serves no one channel: its events carry no channel and reach only endpoints without a channel filter.
-- An entry removed with its book (cascade) has no book left to name a currency and is not announced; no
-- API deletes books today.
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
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION prices.inserted_entries_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM prices.price_changes_to_outbox(coalesce((SELECT jsonb_agg(jsonb_build_object('book_id', n.book_id,
    'variant_id', n.variant_id, 'min_quantity', n.min_quantity, 'valid_from', n.valid_from, 'before', NULL, 'after', n.amount)
    ORDER BY n.id) FROM new_rows n), '[]'));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION prices.updated_entries_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only a changed amount is a price change (an import that repeats today's price announces nothing).
  PERFORM prices.price_changes_to_outbox(coalesce((SELECT jsonb_agg(jsonb_build_object('book_id', n.book_id,
    'variant_id', n.variant_id, 'min_quantity', n.min_quantity, 'valid_from', n.valid_from, 'before', o.amount, 'after', n.amount)
    ORDER BY n.id) FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.amount IS DISTINCT FROM n.amount), '[]'));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION prices.deleted_entries_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM prices.price_changes_to_outbox(coalesce((SELECT jsonb_agg(jsonb_build_object('book_id', o.book_id,
    'variant_id', o.variant_id, 'min_quantity', o.min_quantity, 'valid_from', o.valid_from, 'before', o.amount, 'after', NULL)
    ORDER BY o.id) FROM old_rows o), '[]'));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER entries_inserted_outbox AFTER INSERT ON prices.price_entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prices.inserted_entries_to_outbox();--> statement-breakpoint
CREATE TRIGGER entries_updated_outbox AFTER UPDATE ON prices.price_entries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prices.updated_entries_to_outbox();--> statement-breakpoint
CREATE TRIGGER entries_deleted_outbox AFTER DELETE ON prices.price_entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prices.deleted_entries_to_outbox();
