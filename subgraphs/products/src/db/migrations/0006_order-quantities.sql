-- Trade ordering rules per variant (issue 14, quick and bulk order): a pack size the quantity must be a
-- multiple of, and a minimum quantity per order line. Both default to 1, so every existing variant keeps
-- selling as before. 10,000 is a cart line's most units, so a larger value could never be ordered.
ALTER TABLE "products"."variants" ADD COLUMN "pack_size" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."variants" ADD COLUMN "min_order_quantity" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."variants" ADD CONSTRAINT "variants_pack_size_range" CHECK ("products"."variants"."pack_size" between 1 and 10000);--> statement-breakpoint
ALTER TABLE "products"."variants" ADD CONSTRAINT "variants_min_order_quantity_range" CHECK ("products"."variants"."min_order_quantity" between 1 and 10000);
