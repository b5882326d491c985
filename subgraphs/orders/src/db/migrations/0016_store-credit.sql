-- Store credit (issue #15): what a till return without a receipt pays out, as a code the customer carries (like a
-- gift card, no customer account needed), spent as a tender at the channel's tills. The balance can never go
-- below zero (a CHECK, and every spend is a conditional UPDATE); each change is a movement, unique per reference,
-- so a retried spend or refund moves the balance once.
CREATE TABLE orders.store_credits (
  id text PRIMARY KEY,
  -- sha256 of the code, what the till looks it up by (the code is kept only on the return that issued it, to answer
  -- that return's retry with it).
  code_hash text NOT NULL UNIQUE,
  code_last4 text NOT NULL,
  channel text NOT NULL,
  currency text NOT NULL,
  issued bigint NOT NULL CHECK (issued > 0),
  balance bigint NOT NULL CHECK (balance >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE orders.store_credit_movements (
  id bigserial PRIMARY KEY,
  credit_id text NOT NULL REFERENCES orders.store_credits (id),
  kind text NOT NULL CHECK (kind IN ('ISSUE', 'SPEND', 'REFUND')),
  -- Signed: ISSUE and REFUND (a return of a sale paid with it) add, SPEND takes. A sale that fails after its spend
  -- deletes the SPEND with the balance it took (so a retry with the sale's key spends again).
  delta bigint NOT NULL CHECK (delta <> 0),
  reference text NOT NULL,
  till_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (credit_id, reference)
);
--> statement-breakpoint
-- A till return without a receipt: a manager approved it, the units came back into this shop, store credit went out.
CREATE TABLE orders.till_credit_returns (
  id text PRIMARY KEY,
  till_id text NOT NULL,
  client_id text NOT NULL,
  request_hash text NOT NULL,
  till_session_id text NOT NULL,
  channel text NOT NULL,
  location_id text NOT NULL,
  cashier_id text NOT NULL,
  approved_by text NOT NULL,
  approver_name text NOT NULL,
  number text NOT NULL UNIQUE,
  lines jsonb NOT NULL,
  total bigint NOT NULL CHECK (total > 0),
  currency text NOT NULL,
  credit_id text NOT NULL REFERENCES orders.store_credits (id),
  -- Shown on the receipt again when the till retries with the same key (the customer walked off with it once).
  credit_code text NOT NULL,
  stock_status text NOT NULL DEFAULT 'PENDING' CHECK (stock_status IN ('PENDING', 'RESTOCKED')),
  returned_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (till_id, client_id)
);
--> statement-breakpoint
-- A till may take back an order bought online (where the order's channel allows it at the till's channel): such a
-- return has no till sale behind it.
ALTER TABLE orders.till_returns ALTER COLUMN sale_id DROP NOT NULL;
