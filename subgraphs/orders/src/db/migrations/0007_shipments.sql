-- Fulfilment (issue 13): one shipment per location an order leaves from, made at placement from the
-- reservation's allocations (what routing chose). Orders owns them rather than stock: their states drive the
-- order's status and events in orders' outbox, in one transaction with the order row; stock only learns
-- of a cancelled shipment's units, through its API.
CREATE TABLE "orders"."shipments" (
  "id" text PRIMARY KEY,
  "order_id" text NOT NULL REFERENCES "orders"."orders"("id"),
  "channel" text NOT NULL,
  "location_id" text NOT NULL,
  "status" text NOT NULL DEFAULT 'PENDING'
    CHECK ("status" IN ('PENDING', 'PICKING', 'PACKED', 'SHIPPED', 'DELIVERED', 'READY_FOR_PICKUP', 'COLLECTED', 'CANCELLED')),
  -- Click & collect: the customer collects it at location_id (ready for pickup, then collected with the code).
  "pickup" boolean NOT NULL DEFAULT false,
  "collection_code" text,
  "carrier" text,
  "tracking_number" text,
  -- RESTOCK_PENDING from the cancel until stock has the units back, then RESTOCKED (the order's pattern).
  "stock_status" text,
  "version" integer NOT NULL DEFAULT 1,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  "updated_at" timestamp with time zone NOT NULL DEFAULT now(),
  "shipped_at" timestamp with time zone,
  CHECK ("status" NOT IN ('SHIPPED', 'DELIVERED') OR ("carrier" IS NOT NULL AND "tracking_number" IS NOT NULL))
);--> statement-breakpoint
CREATE INDEX "shipments_order_idx" ON "orders"."shipments" ("order_id");--> statement-breakpoint
-- The work queue of a location: open shipments, oldest first.
CREATE INDEX "shipments_queue_idx" ON "orders"."shipments" ("location_id", "status", "created_at");--> statement-breakpoint
CREATE TABLE "orders"."shipment_lines" (
  "shipment_id" text NOT NULL REFERENCES "orders"."shipments"("id"),
  "variant_id" text NOT NULL,
  "quantity" integer NOT NULL CHECK ("quantity" > 0),
  PRIMARY KEY ("shipment_id", "variant_id")
);--> statement-breakpoint
-- The recovery job retries restocks of cancelled shipments that failed (stock down): it finds them here.
CREATE INDEX "shipments_restock_pending_idx" ON "orders"."shipments" USING btree ("id") WHERE "stock_status" = 'RESTOCK_PENDING';
