CREATE TYPE "products"."attribute_type" AS ENUM('TEXT', 'NUMBER', 'BOOLEAN', 'ENUM');--> statement-breakpoint
CREATE TYPE "products"."bulk_mode" AS ENUM('ALL_OR_NOTHING', 'BEST_EFFORT');--> statement-breakpoint
CREATE TYPE "products"."bulk_status" AS ENUM('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');--> statement-breakpoint
CREATE TYPE "products"."rule_effect" AS ENUM('INCLUDE', 'EXCLUDE');--> statement-breakpoint
CREATE TYPE "products"."rule_kind" AS ENUM('CATEGORY', 'BRAND', 'ATTRIBUTE');--> statement-breakpoint
CREATE TABLE "products"."attribute_definitions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type" "products"."attribute_type" NOT NULL,
	"allowed_values" text[] DEFAULT '{}'::text[] NOT NULL,
	"filterable" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products"."attribute_values" (
	"id" serial PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"variant_id" text,
	"attribute_code" text NOT NULL,
	"value" text NOT NULL,
	"number_value" double precision,
	CONSTRAINT "attribute_values_owner_uq" UNIQUE NULLS NOT DISTINCT("product_id","variant_id","attribute_code")
);
--> statement-breakpoint
CREATE TABLE "products"."bulk_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"mode" "products"."bulk_mode" NOT NULL,
	"status" "products"."bulk_status" DEFAULT 'QUEUED' NOT NULL,
	"total" integer NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"written" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "products"."channel_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"effect" "products"."rule_effect" NOT NULL,
	"kind" "products"."rule_kind" NOT NULL,
	"category_id" text,
	"brand_id" text,
	"attribute_code" text,
	"attribute_value" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "products"."channel_products" ADD COLUMN "assigned" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."channel_products" ADD COLUMN "by_rule" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Rows written before rules existed were explicit assignments.
UPDATE "products"."channel_products" SET "assigned" = true;--> statement-breakpoint
ALTER TABLE "products"."product_translations" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector(products.search_config(locale), name || ' ' || description)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."products" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector(products.search_config('en-GB'), name || ' ' || description)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."variants" ADD COLUMN "status" "products"."product_status" DEFAULT 'ACTIVE' NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."variants" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."attribute_values" ADD CONSTRAINT "attribute_values_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "products"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."attribute_values" ADD CONSTRAINT "attribute_values_variant_id_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "products"."variants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."attribute_values" ADD CONSTRAINT "attribute_values_attribute_code_attribute_definitions_code_fk" FOREIGN KEY ("attribute_code") REFERENCES "products"."attribute_definitions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."channel_rules" ADD CONSTRAINT "channel_rules_channel_sales_channels_code_fk" FOREIGN KEY ("channel") REFERENCES "products"."sales_channels"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."channel_rules" ADD CONSTRAINT "channel_rules_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "products"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."channel_rules" ADD CONSTRAINT "channel_rules_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "products"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."channel_rules" ADD CONSTRAINT "channel_rules_attribute_code_attribute_definitions_code_fk" FOREIGN KEY ("attribute_code") REFERENCES "products"."attribute_definitions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attribute_values_filter_idx" ON "products"."attribute_values" USING btree ("attribute_code","value","product_id");--> statement-breakpoint
CREATE INDEX "attribute_values_variant_idx" ON "products"."attribute_values" USING btree ("variant_id");--> statement-breakpoint
CREATE INDEX "channel_rules_channel_idx" ON "products"."channel_rules" USING btree ("channel");--> statement-breakpoint
CREATE INDEX "product_translations_search_idx" ON "products"."product_translations" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "products_created_idx" ON "products"."products" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "products_search_idx" ON "products"."products" USING gin ("search_vector");