CREATE TABLE "products"."publishable_keys" (
	"token" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "products"."publishable_keys" ADD CONSTRAINT "publishable_keys_channel_sales_channels_code_fk" FOREIGN KEY ("channel") REFERENCES "products"."sales_channels"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "publishable_keys_channel" ON "products"."publishable_keys" USING btree ("channel");