CREATE SCHEMA IF NOT EXISTS "stock";
--> statement-breakpoint
CREATE TYPE "stock"."location_kind" AS ENUM('WAREHOUSE', 'SHOP', 'DROPSHIP');--> statement-breakpoint
CREATE TABLE "stock"."channel_locations" (
	"channel" text NOT NULL,
	"location_id" text NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "channel_locations_channel_location_id_pk" PRIMARY KEY("channel","location_id")
);
--> statement-breakpoint
CREATE TABLE "stock"."levels" (
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"on_hand" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"safety_stock" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "levels_variant_id_location_id_pk" PRIMARY KEY("variant_id","location_id"),
	CONSTRAINT "levels_reserved_non_negative" CHECK ("stock"."levels"."reserved" >= 0),
	CONSTRAINT "levels_on_hand_non_negative" CHECK ("stock"."levels"."on_hand" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock"."locations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" "stock"."location_kind" NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"pickup" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stock"."channel_locations" ADD CONSTRAINT "channel_locations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "stock"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock"."levels" ADD CONSTRAINT "levels_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "stock"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "levels_location_idx" ON "stock"."levels" USING btree ("location_id");