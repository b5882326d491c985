-- Live stock at a till's shop (#12): each outbox row records the transaction that wrote it, so a reader can
-- follow the outbox without a gap: rows of transactions older than every running one (the snapshot's xmin)
-- are final, and a cursor at that horizon never skips a row committed late with a lower id.
ALTER TABLE "stock"."outbox" ADD COLUMN "xid" xid8 DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_xid_idx" ON "stock"."outbox" ("xid", "id");
