CREATE SCHEMA IF NOT EXISTS "products";
--> statement-breakpoint
CREATE TYPE "products"."channel_kind" AS ENUM('B2C', 'B2B', 'POS');--> statement-breakpoint
CREATE TYPE "products"."product_status" AS ENUM('DRAFT', 'ACTIVE', 'ARCHIVED');--> statement-breakpoint
CREATE TYPE "products"."tax_mode" AS ENUM('INCLUSIVE', 'EXCLUSIVE');--> statement-breakpoint
CREATE TABLE "products"."brands" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "brands_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "products"."categories" (
	"id" text PRIMARY KEY NOT NULL,
	"parent_id" text,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "categories_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "products"."channel_products" (
	"channel" text NOT NULL,
	"product_id" text NOT NULL,
	"visible" boolean DEFAULT true NOT NULL,
	"name_override" text,
	"description_override" text,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "channel_products_channel_product_id_pk" PRIMARY KEY("channel","product_id")
);
--> statement-breakpoint
CREATE TABLE "products"."media" (
	"id" text PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"url" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"alt" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products"."product_categories" (
	"product_id" text NOT NULL,
	"category_id" text NOT NULL,
	CONSTRAINT "product_categories_product_id_category_id_pk" PRIMARY KEY("product_id","category_id")
);
--> statement-breakpoint
CREATE TABLE "products"."product_translations" (
	"product_id" text NOT NULL,
	"locale" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	CONSTRAINT "product_translations_product_id_locale_pk" PRIMARY KEY("product_id","locale")
);
--> statement-breakpoint
CREATE TABLE "products"."products" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"status" "products"."product_status" DEFAULT 'DRAFT' NOT NULL,
	"brand_id" text,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "products"."sales_channels" (
	"code" text PRIMARY KEY NOT NULL,
	"kind" "products"."channel_kind" NOT NULL,
	"name" text NOT NULL,
	"currency" text NOT NULL,
	"default_locale" text NOT NULL,
	"locales" text[] NOT NULL,
	"country" text NOT NULL,
	"tax_mode" "products"."tax_mode" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products"."variants" (
	"id" text PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"sku" text NOT NULL,
	"gtin" text,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "products"."channel_products" ADD CONSTRAINT "channel_products_channel_sales_channels_code_fk" FOREIGN KEY ("channel") REFERENCES "products"."sales_channels"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."channel_products" ADD CONSTRAINT "channel_products_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "products"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."media" ADD CONSTRAINT "media_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "products"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."product_categories" ADD CONSTRAINT "product_categories_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "products"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."product_categories" ADD CONSTRAINT "product_categories_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "products"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."product_translations" ADD CONSTRAINT "product_translations_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "products"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."products" ADD CONSTRAINT "products_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "products"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products"."variants" ADD CONSTRAINT "variants_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "products"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_products_listing_idx" ON "products"."channel_products" USING btree ("channel","sort_order","product_id");--> statement-breakpoint
CREATE INDEX "media_product_idx" ON "products"."media" USING btree ("product_id","position");--> statement-breakpoint
CREATE INDEX "product_categories_category_idx" ON "products"."product_categories" USING btree ("category_id");--> statement-breakpoint
CREATE INDEX "products_brand_idx" ON "products"."products" USING btree ("brand_id");--> statement-breakpoint
CREATE UNIQUE INDEX "variants_sku_uq" ON "products"."variants" USING btree ("sku");--> statement-breakpoint
CREATE UNIQUE INDEX "variants_gtin_uq" ON "products"."variants" USING btree ("gtin") WHERE "products"."variants"."gtin" is not null;--> statement-breakpoint
CREATE INDEX "variants_product_idx" ON "products"."variants" USING btree ("product_id","position");