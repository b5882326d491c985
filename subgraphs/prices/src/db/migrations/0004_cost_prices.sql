-- What a variant costs the brand (purchase or production cost), with history: the cost in force is the latest
-- whose effective_from has passed, so reports charge each sale the cost of its own day. Minor units of currency.
CREATE TABLE "prices"."cost_prices" (
  "variant_id" text NOT NULL,
  "currency" text NOT NULL,
  "amount" bigint NOT NULL CHECK ("amount" >= 0),
  "effective_from" timestamp with time zone NOT NULL,
  "source" text NOT NULL,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY ("variant_id", "effective_from")
);
