-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.
CREATE OR REPLACE FUNCTION stock.check_low_stock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t record;
  available integer;
BEGIN
  FOR t IN SELECT * FROM stock.low_stock_thresholds WHERE variant_id = NEW.variant_id ORDER BY channel FOR UPDATE LOOP
    available := stock.channel_available(t.variant_id, t.channel);
    IF NOT t.below AND available < t.threshold THEN
      -- The aggregate is the variant in the channel; the movement's id orders its alerts.
      INSERT INTO stock.outbox (type, channel, aggregate_id, aggregate_version, data)
      VALUES ('stock.low', t.channel, t.variant_id || '@' || t.channel, NEW.id, jsonb_build_object(
        'variantId', t.variant_id, 'channel', t.channel, 'threshold', t.threshold, 'available', available,
        'movementId', NEW.id));
      UPDATE stock.low_stock_thresholds SET below = true WHERE variant_id = t.variant_id AND channel = t.channel;
    ELSIF t.below AND available >= t.threshold THEN
      UPDATE stock.low_stock_thresholds SET below = false WHERE variant_id = t.variant_id AND channel = t.channel;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
