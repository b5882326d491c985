-- The recovery job looks for cancellations still to settle every few seconds: a partial index keeps that a
-- lookup of the few pending rows instead of a scan of the whole order book.
CREATE INDEX IF NOT EXISTS "orders_settlement_pending_idx" ON "orders"."orders" ("id")
  WHERE "payment_status" = 'VOID_PENDING' OR "stock_status" = 'RESTOCK_PENDING';
