CREATE TYPE "prices"."promotion_kind" AS ENUM('PERCENT_OFF', 'AMOUNT_OFF', 'BUY_N');--> statement-breakpoint
CREATE TYPE "prices"."promotion_stacking" AS ENUM('EXCLUSIVE', 'COMBINABLE');--> statement-breakpoint
CREATE TYPE "prices"."promotion_target" AS ENUM('PRODUCTS', 'CATEGORIES', 'SUBTOTAL');--> statement-breakpoint
CREATE TYPE "prices"."tax_category" AS ENUM('STANDARD', 'REDUCED', 'ZERO');--> statement-breakpoint
CREATE TABLE "prices"."channel_pricing" (
	"channel" text PRIMARY KEY NOT NULL,
	"fx_source_currency" text DEFAULT 'EUR' NOT NULL,
	"rounding_ending" integer,
	"rounding_step" integer,
	CONSTRAINT "channel_pricing_rounding" CHECK (("prices"."channel_pricing"."rounding_ending" is null and "prices"."channel_pricing"."rounding_step" is null) or ("prices"."channel_pricing"."rounding_step" > 0 and "prices"."channel_pricing"."rounding_ending" >= 0 and "prices"."channel_pricing"."rounding_ending" < "prices"."channel_pricing"."rounding_step"))
);
--> statement-breakpoint
CREATE TABLE "prices"."fx_rates" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "prices"."fx_rates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"base_currency" text NOT NULL,
	"quote_currency" text NOT NULL,
	"rate_ppb" bigint NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fx_rates_positive" CHECK ("prices"."fx_rates"."rate_ppb" > 0)
);
--> statement-breakpoint
CREATE TABLE "prices"."promotion_redemptions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "prices"."promotion_redemptions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"promotion_id" text NOT NULL,
	"order_id" text NOT NULL,
	"customer_id" text,
	"redeemed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prices"."promotions" (
	"id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"name" text NOT NULL,
	"kind" "prices"."promotion_kind" NOT NULL,
	"target" "prices"."promotion_target" NOT NULL,
	"variant_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"category_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"percent_bp" integer,
	"amount_off" bigint,
	"currency" text,
	"tiers" jsonb,
	"coupon_code" text,
	"stacking" "prices"."promotion_stacking" DEFAULT 'COMBINABLE' NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"usage_limit" integer,
	"per_customer_limit" integer,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "promotions_percent_range" CHECK ("prices"."promotions"."percent_bp" is null or "prices"."promotions"."percent_bp" between 1 and 10000),
	CONSTRAINT "promotions_amount_positive" CHECK ("prices"."promotions"."amount_off" is null or "prices"."promotions"."amount_off" > 0)
);
--> statement-breakpoint
CREATE TABLE "prices"."tax_rates" (
	"country" text NOT NULL,
	"region" text DEFAULT '' NOT NULL,
	"category" "prices"."tax_category" NOT NULL,
	"rate_bp" integer NOT NULL,
	CONSTRAINT "tax_rates_country_region_category_pk" PRIMARY KEY("country","region","category"),
	CONSTRAINT "tax_rates_range" CHECK ("prices"."tax_rates"."rate_bp" between 0 and 10000)
);
--> statement-breakpoint
CREATE TABLE "prices"."variant_tax_categories" (
	"variant_id" text PRIMARY KEY NOT NULL,
	"category" "prices"."tax_category" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "prices"."price_books" ADD COLUMN "tax_included" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "prices"."promotion_redemptions" ADD CONSTRAINT "promotion_redemptions_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "prices"."promotions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fx_rates_pair_time_idx" ON "prices"."fx_rates" USING btree ("base_currency","quote_currency","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "promotion_redemptions_order_idx" ON "prices"."promotion_redemptions" USING btree ("promotion_id","order_id");--> statement-breakpoint
CREATE INDEX "promotion_redemptions_customer_idx" ON "prices"."promotion_redemptions" USING btree ("promotion_id","customer_id");--> statement-breakpoint
CREATE INDEX "promotion_redemptions_by_order_idx" ON "prices"."promotion_redemptions" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "promotions_channel_idx" ON "prices"."promotions" USING btree ("channel");--> statement-breakpoint
CREATE UNIQUE INDEX "promotions_channel_code_idx" ON "prices"."promotions" USING btree ("channel","coupon_code");--> statement-breakpoint
ALTER TABLE "prices"."price_entries" ADD CONSTRAINT "price_entries_identity" UNIQUE NULLS NOT DISTINCT("book_id","variant_id","min_quantity","valid_from");--> statement-breakpoint
ALTER TABLE "prices"."price_entries" ADD CONSTRAINT "price_entries_window" CHECK ("prices"."price_entries"."valid_to" is null or "prices"."price_entries"."valid_from" is null or "prices"."price_entries"."valid_to" > "prices"."price_entries"."valid_from");