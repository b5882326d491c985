-- Till staff scoped to shops (issue #16): NULL keeps today's meaning (every shop of the member's channel); else
-- only these stock locations of that channel, each checked against stock's channel locations when written.
ALTER TABLE "customers"."till_staff" ADD COLUMN "location_ids" text[];--> statement-breakpoint
-- Deactivating a member (or taking a shop away) ends their open sign-ins: found by member, not by scanning tills.
CREATE INDEX "till_sign_ins_open_staff_idx" ON "customers"."till_sign_ins" ("till_staff_id") WHERE "ended_at" IS NULL;
