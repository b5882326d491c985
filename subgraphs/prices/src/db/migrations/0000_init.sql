CREATE SCHEMA IF NOT EXISTS "prices";
--> statement-breakpoint
CREATE TYPE "prices"."book_level" AS ENUM('BASE', 'CHANNEL', 'GROUP', 'COMPANY');--> statement-breakpoint
CREATE TABLE "prices"."price_books" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" "prices"."book_level" NOT NULL,
	"currency" text NOT NULL,
	"channel" text,
	"customer_group" text,
	"company_id" text
);
--> statement-breakpoint
CREATE TABLE "prices"."price_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "prices"."price_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"book_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"compare_at" bigint,
	"min_quantity" integer DEFAULT 1 NOT NULL,
	"valid_from" timestamp with time zone,
	"valid_to" timestamp with time zone,
	CONSTRAINT "price_entries_amount_non_negative" CHECK ("prices"."price_entries"."amount" >= 0),
	CONSTRAINT "price_entries_min_quantity_positive" CHECK ("prices"."price_entries"."min_quantity" >= 1)
);
--> statement-breakpoint
ALTER TABLE "prices"."price_entries" ADD CONSTRAINT "price_entries_book_id_price_books_id_fk" FOREIGN KEY ("book_id") REFERENCES "prices"."price_books"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "price_books_scope_idx" ON "prices"."price_books" USING btree ("level","currency");--> statement-breakpoint
CREATE INDEX "price_entries_variant_idx" ON "prices"."price_entries" USING btree ("variant_id","book_id");