-- A company's choice whether its quick and bulk orders may take units beyond stock where a variant takes
-- backorders (issue 14). True keeps what every company had: the variant's backorder policy alone decides.
ALTER TABLE "orders"."company_order_policies" ADD COLUMN "backorders" boolean DEFAULT true NOT NULL;
