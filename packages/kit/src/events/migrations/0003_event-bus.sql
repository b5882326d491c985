-- The event bus's own queue: the relay's fan-out writes one row per outbox event here (in the transaction that
-- marks the event published, only where NATS_URL is set), and the bus publisher deletes it once JetStream
-- acknowledged it. A NATS outage only grows this table; webhook deliveries never wait for it.
CREATE TABLE "webhooks"."bus_events" (
	"source" text NOT NULL,
	"seq" bigint NOT NULL,
	"envelope" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bus_events_pkey" PRIMARY KEY ("source", "seq")
);
