-- An offline till sale names the customer attached at the till (the id the till had from its last online lookup).
-- One that is unknown, erased or of another realm does not drop the sale (the goods have left): it lands without a
-- customer and is flagged for staff here, with the id the till sent, so staff can follow it up.
ALTER TABLE "orders"."till_discrepancies" ADD COLUMN "customer_id" text;--> statement-breakpoint
ALTER TABLE "orders"."till_discrepancies" DROP CONSTRAINT "till_discrepancies_kind_check";--> statement-breakpoint
ALTER TABLE "orders"."till_discrepancies" ADD CONSTRAINT "till_discrepancies_kind_check"
	CHECK ("kind" IN ('STOCK_SHORTFALL', 'PRICE_CHANGED', 'DISCOUNT_NOT_APPROVED', 'CUSTOMER_UNKNOWN'));
