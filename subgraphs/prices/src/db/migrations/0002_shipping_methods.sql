CREATE TYPE "prices"."shipping_method_kind" AS ENUM('FLAT', 'FREE_ABOVE', 'WEIGHT_BANDS', 'PICKUP');--> statement-breakpoint
CREATE TABLE "prices"."shipping_methods" (
	"channel" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" "prices"."shipping_method_kind" NOT NULL,
	"currency" text NOT NULL,
	"amount" bigint,
	"free_from" bigint,
	"weight_bands" jsonb,
	"tax_category" "prices"."tax_category" DEFAULT 'STANDARD' NOT NULL,
	"countries" text[] DEFAULT '{}'::text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "shipping_methods_channel_code_pk" PRIMARY KEY("channel","code"),
	CONSTRAINT "shipping_methods_amount_non_negative" CHECK ("prices"."shipping_methods"."amount" is null or "prices"."shipping_methods"."amount" >= 0),
	CONSTRAINT "shipping_methods_free_from_positive" CHECK ("prices"."shipping_methods"."free_from" is null or "prices"."shipping_methods"."free_from" > 0),
	CONSTRAINT "shipping_methods_kind_shape" CHECK (case "prices"."shipping_methods"."kind"
        when 'FLAT' then "prices"."shipping_methods"."amount" is not null
        when 'FREE_ABOVE' then "prices"."shipping_methods"."amount" is not null and "prices"."shipping_methods"."free_from" is not null
        when 'WEIGHT_BANDS' then "prices"."shipping_methods"."weight_bands" is not null
        else "prices"."shipping_methods"."amount" = 0 end)
);
