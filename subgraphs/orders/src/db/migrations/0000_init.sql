CREATE SCHEMA IF NOT EXISTS "orders";
--> statement-breakpoint
CREATE TYPE "orders"."order_status" AS ENUM('PENDING', 'CONFIRMED', 'FULFILLED', 'CANCELLED');--> statement-breakpoint
CREATE TABLE "orders"."order_lines" (
	"order_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"variant_id" text NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_amount" bigint NOT NULL,
	"line_total" bigint NOT NULL,
	CONSTRAINT "order_lines_order_id_line_no_pk" PRIMARY KEY("order_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "orders"."orders" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"channel" text NOT NULL,
	"customer_id" text,
	"company_id" text,
	"status" "orders"."order_status" DEFAULT 'PENDING' NOT NULL,
	"currency" text NOT NULL,
	"total" bigint NOT NULL,
	"placed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "orders"."order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_customer_idx" ON "orders"."orders" USING btree ("customer_id","placed_at");--> statement-breakpoint
CREATE INDEX "orders_company_idx" ON "orders"."orders" USING btree ("company_id","placed_at");