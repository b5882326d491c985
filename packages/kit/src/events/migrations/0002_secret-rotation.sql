-- Secret rotation: `secrets[1]` is the current secret, `secrets[2]` the one it replaced, which keeps signing
-- (beside the current one) until `previous_secret_expires_at`, so a receiver can switch secrets at its pace.
ALTER TABLE "webhooks"."endpoints" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;
