CREATE TYPE "stock"."allocation_mode" AS ENUM('SHARED', 'DEDICATED', 'DYNAMIC');--> statement-breakpoint
CREATE TYPE "stock"."movement_kind" AS ENUM('RECEIPT', 'SALE', 'RETURN', 'ADJUSTMENT', 'TRANSFER_OUT', 'TRANSFER_IN', 'RESERVATION', 'RELEASE', 'EXPIRY');--> statement-breakpoint
CREATE TYPE "stock"."reservation_status" AS ENUM('ACTIVE', 'CONFIRMED', 'RELEASED', 'EXPIRED');--> statement-breakpoint
CREATE TABLE "stock"."allocations" (
	"channel" text NOT NULL,
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"remaining" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allocations_channel_variant_id_location_id_pk" PRIMARY KEY("channel","variant_id","location_id"),
	CONSTRAINT "allocations_remaining_non_negative" CHECK ("stock"."allocations"."remaining" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock"."backorder_policies" (
	"channel" text NOT NULL,
	"variant_id" text NOT NULL,
	"limit" integer DEFAULT 0 NOT NULL,
	"backordered" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "backorder_policies_channel_variant_id_pk" PRIMARY KEY("channel","variant_id"),
	CONSTRAINT "backorder_policies_limit_non_negative" CHECK ("stock"."backorder_policies"."limit" >= 0),
	CONSTRAINT "backorder_policies_backordered_non_negative" CHECK ("stock"."backorder_policies"."backordered" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock"."channel_allocation_policies" (
	"channel" text PRIMARY KEY NOT NULL,
	"mode" "stock"."allocation_mode" DEFAULT 'SHARED' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stock"."movements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"kind" "stock"."movement_kind" NOT NULL,
	"delta_on_hand" integer DEFAULT 0 NOT NULL,
	"delta_reserved" integer DEFAULT 0 NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"reference" text,
	"actor" text NOT NULL,
	"channel" text,
	"reservation_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "movements_changes_something" CHECK ("stock"."movements"."delta_on_hand" <> 0 OR "stock"."movements"."delta_reserved" <> 0)
);
--> statement-breakpoint
CREATE TABLE "stock"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stock"."reservation_allocations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reservation_id" uuid NOT NULL,
	"variant_id" text NOT NULL,
	"location_id" text,
	"quantity" integer NOT NULL,
	"fence_quantity" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "reservation_allocations_quantity_positive" CHECK ("stock"."reservation_allocations"."quantity" > 0),
	CONSTRAINT "reservation_allocations_fence_within" CHECK ("stock"."reservation_allocations"."fence_quantity" >= 0 AND "stock"."reservation_allocations"."fence_quantity" <= "stock"."reservation_allocations"."quantity")
);
--> statement-breakpoint
CREATE TABLE "stock"."reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" "stock"."reservation_status" DEFAULT 'ACTIVE' NOT NULL,
	"actor" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stock"."allocations" ADD CONSTRAINT "allocations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "stock"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock"."movements" ADD CONSTRAINT "movements_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "stock"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock"."reservation_allocations" ADD CONSTRAINT "reservation_allocations_reservation_id_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "stock"."reservations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock"."reservation_allocations" ADD CONSTRAINT "reservation_allocations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "stock"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocations_level_idx" ON "stock"."allocations" USING btree ("variant_id","location_id");--> statement-breakpoint
CREATE INDEX "movements_level_idx" ON "stock"."movements" USING btree ("variant_id","location_id","id");--> statement-breakpoint
CREATE INDEX "movements_demand_idx" ON "stock"."movements" USING btree ("kind","created_at");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "stock"."outbox" USING btree ("id") WHERE "stock"."outbox"."published_at" IS NULL;--> statement-breakpoint
CREATE INDEX "reservation_allocations_reservation_idx" ON "stock"."reservation_allocations" USING btree ("reservation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_idempotency_idx" ON "stock"."reservations" USING btree ("channel","idempotency_key");--> statement-breakpoint
CREATE INDEX "reservations_expiry_idx" ON "stock"."reservations" USING btree ("expires_at") WHERE "stock"."reservations"."status" = 'ACTIVE';--> statement-breakpoint
ALTER TABLE "stock"."levels" ADD CONSTRAINT "levels_reserved_within_on_hand" CHECK ("stock"."levels"."reserved" <= "stock"."levels"."on_hand");--> statement-breakpoint
ALTER TABLE "stock"."levels" ADD CONSTRAINT "levels_safety_stock_non_negative" CHECK ("stock"."levels"."safety_stock" >= 0);