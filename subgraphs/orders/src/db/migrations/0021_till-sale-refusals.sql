-- A till sale refused on a retry after an earlier attempt under the same key charged a card and died before the
-- sale was recorded (issue #15: store credit released meanwhile and spent elsewhere). The refusal pays the card
-- back and is kept here, so a later retry with the key is refused again instead of replaying the refunded card.
CREATE TABLE "orders"."till_sale_refusals" (
  "till_id" text NOT NULL,
  "client_id" text NOT NULL,
  "request_hash" text NOT NULL,
  "answer" jsonb NOT NULL,
  "refused_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "till_sale_refusals_till_id_client_id_pk" PRIMARY KEY ("till_id", "client_id")
);
