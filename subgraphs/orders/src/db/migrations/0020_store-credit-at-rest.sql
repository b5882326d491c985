-- Store credit at rest and never stuck (issue #15 leftovers).
--
-- 1. The code is no longer stored anywhere: it is HMAC-SHA256 of the credit id under ORDERS_STORE_CREDIT_SECRET,
-- derived again when a till retries the return that issued it, and looked up by code_hash as before. Rows issued
-- before this migration had random codes no secret derives: their credits keep working (the customer's code still
-- hashes to code_hash), but a retry of such a return now answers only the last four characters (credit.code null,
-- the receipt prints SC-****-****-****-XXXX). The plain-text values go now; the column stays, nullable and empty,
-- for one release: replicas still running the previous code read and write it until they are gone (a DROP here
-- made their credit returns fail with 500 during a rolling deploy). This code never reads or writes it; a later
-- release drops it, and with it any code an old replica wrote during the rollout.
ALTER TABLE orders.till_credit_returns ALTER COLUMN credit_code DROP NOT NULL;
--> statement-breakpoint
UPDATE orders.till_credit_returns SET credit_code = NULL WHERE credit_code IS NOT NULL;
--> statement-breakpoint
-- 2. A spend whose sale was never recorded (the till died after the credit was spent) is released by a job after
-- ORDERS_CREDIT_SPEND_HOLD_MINUTES: a RELEASE movement gives the SPEND's amount back and names the SPEND it
-- releases (unique: once). SPEND and ISSUE rows stay as they were; nothing is deleted from the ledger any more
-- (a card declined after the spend releases it the same way, at once).
ALTER TABLE orders.store_credit_movements DROP CONSTRAINT store_credit_movements_kind_check;
--> statement-breakpoint
ALTER TABLE orders.store_credit_movements
  ADD CONSTRAINT store_credit_movements_kind_check CHECK (kind IN ('ISSUE', 'SPEND', 'REFUND', 'RELEASE')),
  ADD COLUMN releases bigint UNIQUE REFERENCES orders.store_credit_movements (id),
  ADD CONSTRAINT store_credit_movements_releases_check CHECK ((kind = 'RELEASE') = (releases IS NOT NULL));
--> statement-breakpoint
-- A spend not yet settled: deleted by whichever comes first, the till sale that it paid (in the sale's
-- transaction) or the release job (with its RELEASE movement). The row lock of that one DELETE decides between
-- them, so a spend is either paid for by a recorded sale or given back, never both and never neither.
CREATE TABLE orders.store_credit_holds (
  spend_id bigint PRIMARY KEY REFERENCES orders.store_credit_movements (id),
  expires_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX store_credit_holds_expires_at ON orders.store_credit_holds (expires_at);
--> statement-breakpoint
-- Spends already stuck before this migration (SPEND reference `till:<till>:<key>:credit:<i>`, no till sale with that
-- key): held until 30 minutes after they were made, so the first pass releases the old ones.
INSERT INTO orders.store_credit_holds (spend_id, expires_at)
SELECT m.id, m.created_at + interval '30 minutes'
FROM orders.store_credit_movements m
WHERE m.kind = 'SPEND'
  AND NOT EXISTS (
    SELECT 1 FROM orders.till_sales s
    WHERE s.till_id = m.till_id
      AND s.client_id = regexp_replace(substr(m.reference, length('till:' || m.till_id || ':') + 1), ':credit:[0-9]+$', '')
  );
