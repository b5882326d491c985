-- The staff audit trail, shared by every subgraph (each writes the staff mutations it serves). Append-only:
-- a staff write is recorded as an ATTEMPT before it runs and an OUTCOME after, two inserts, never an update,
-- so a crash between them leaves an attempt without an outcome (shown as UNKNOWN), never a write unrecorded.
CREATE SCHEMA IF NOT EXISTS "audit";--> statement-breakpoint
CREATE TABLE "audit"."entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"phase" text NOT NULL CHECK ("phase" IN ('ATTEMPT', 'OUTCOME')),
	"attempt_id" uuid NOT NULL,
	"subgraph" text NOT NULL,
	"operation" text NOT NULL,
	"staff_id" text NOT NULL,
	"staff_roles" text[] NOT NULL,
	"staff_channels" text[] NOT NULL,
	"channel" text NOT NULL,
	"request_id" text NOT NULL,
	"issuer" text NOT NULL,
	"arguments" jsonb,
	"outcome" text CHECK ("outcome" IN ('OK', 'REFUSED', 'FAILED')),
	"result" jsonb,
	"error_code" text
);--> statement-breakpoint
CREATE UNIQUE INDEX "entries_attempt_phase_idx" ON "audit"."entries" ("attempt_id", "phase");--> statement-breakpoint
CREATE INDEX "entries_at_idx" ON "audit"."entries" ("at");--> statement-breakpoint
CREATE INDEX "entries_staff_at_idx" ON "audit"."entries" ("staff_id", "at");--> statement-breakpoint
CREATE FUNCTION "audit"."refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER "entries_append_only" BEFORE UPDATE OR DELETE ON "audit"."entries" FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_change"();--> statement-breakpoint
CREATE TRIGGER "entries_no_truncate" BEFORE TRUNCATE ON "audit"."entries" FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_change"();
