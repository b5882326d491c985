-- Endless aisle (issue #15 item 5): a till's cart may name the shop or warehouse its units come from (a location the
-- POS channel is not bound to); the checkout reserves them there. Null for every other cart.
ALTER TABLE "orders"."carts" ADD COLUMN "source_location_id" text;
