-- Webhook endpoints and their delivery log, in one small schema of their own: staff register an endpoint
-- once and every subgraph's relay fans its outbox out to it, so neither can live in one subgraph's schema
-- (nothing reads another subgraph's schema). Only the event relays read and write it.
CREATE SCHEMA IF NOT EXISTS "webhooks";--> statement-breakpoint
CREATE TABLE "webhooks"."endpoints" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "url" text NOT NULL,
  "event_types" text[] NOT NULL,
  -- Empty: every channel. Otherwise only events naming one of these channels.
  "channels" text[] NOT NULL,
  -- Standard Webhooks secrets (whsec_...); every one signs, so a rotation overlaps.
  "secrets" text[] NOT NULL CHECK (cardinality("secrets") BETWEEN 1 AND 2),
  "enabled" boolean NOT NULL DEFAULT true,
  "created_by" text NOT NULL,
  "created_at" timestamp with time zone NOT NULL DEFAULT now()
);--> statement-breakpoint
CREATE TABLE "webhooks"."deliveries" (
  "id" bigserial PRIMARY KEY,
  "endpoint_id" uuid NOT NULL REFERENCES "webhooks"."endpoints" ("id") ON DELETE CASCADE,
  "event_id" uuid NOT NULL,
  "source" text NOT NULL,
  -- The outbox row's id in its source: the order of events of one aggregate.
  "seq" bigint NOT NULL,
  "aggregate_id" text NOT NULL,
  "envelope" jsonb NOT NULL,
  "status" text NOT NULL DEFAULT 'PENDING' CHECK ("status" IN ('PENDING', 'DELIVERED', 'DEAD')),
  -- Attempts since it was (re)scheduled: backoff and dead-lettering count these.
  "attempts" integer NOT NULL DEFAULT 0,
  -- Every claim increments it; a worker whose lease ran out cannot record its outcome over a newer claim's.
  "claims" integer NOT NULL DEFAULT 0,
  "next_attempt_at" timestamp with time zone NOT NULL DEFAULT now(),
  -- When it was (re)scheduled: retries stop WEBHOOK_RETRY_WINDOW_HOURS after it.
  "scheduled_at" timestamp with time zone NOT NULL DEFAULT now(),
  "lease_until" timestamp with time zone,
  "delivered_at" timestamp with time zone,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  UNIQUE ("endpoint_id", "event_id")
);--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "webhooks"."deliveries" ("source", "seq") WHERE "status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "deliveries_aggregate_idx" ON "webhooks"."deliveries" ("endpoint_id", "source", "aggregate_id", "seq") WHERE "status" = 'PENDING';--> statement-breakpoint
CREATE TABLE "webhooks"."attempts" (
  "delivery_id" bigint NOT NULL REFERENCES "webhooks"."deliveries" ("id") ON DELETE CASCADE,
  "claim" integer NOT NULL,
  -- Which relay made the attempt (host:pid by default): which replica to look at when one misbehaves.
  "worker" text NOT NULL,
  "at" timestamp with time zone NOT NULL DEFAULT now(),
  "http_status" integer,
  "error" text,
  "latency_ms" integer NOT NULL,
  PRIMARY KEY ("delivery_id", "claim")
);
