-- Returns at the till (issue #15 item 3): the units of a till sale brought back to its shop, refunded to the
-- sale's tenders. PENDING while the card refunds run (its units already count against the sale, so a racing return
-- cannot take them too), REFUNDED once paid back, VOIDED when the card provider refused (its units free again).
CREATE TABLE orders.till_returns (
  id text PRIMARY KEY,
  till_id text NOT NULL,
  client_id text NOT NULL,
  request_hash text NOT NULL,
  till_session_id text NOT NULL,
  channel text NOT NULL,
  location_id text NOT NULL,
  cashier_id text NOT NULL,
  sale_id text NOT NULL REFERENCES orders.till_sales (id),
  order_id text NOT NULL,
  number text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'REFUNDED', 'VOIDED')),
  lines jsonb NOT NULL,
  total bigint NOT NULL CHECK (total >= 0),
  cash_refunded bigint NOT NULL CHECK (cash_refunded >= 0),
  card_refunded bigint NOT NULL CHECK (card_refunded >= 0),
  refunds jsonb NOT NULL,
  stock_status text NOT NULL DEFAULT 'PENDING' CHECK (stock_status IN ('PENDING', 'RESTOCKED')),
  failure text,
  returned_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (till_id, client_id),
  UNIQUE (number)
);
--> statement-breakpoint
CREATE INDEX till_returns_session_idx ON orders.till_returns (till_session_id);
--> statement-breakpoint
CREATE INDEX till_returns_order_idx ON orders.till_returns (order_id);
