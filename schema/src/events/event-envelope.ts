/**
 * One envelope for every business event, whichever subgraph wrote it. Field names follow the Standard
 * Webhooks payload structure (`type`, `timestamp`, `data`), so the webhook body is the envelope itself.
 */
export interface EventEnvelope<TData = Record<string, unknown>> {
  /** The event's id (the outbox row's event_id); also the `webhook-id`, so receivers de-duplicate on it. */
  id: string;
  type: string;
  /** When the change committed (the outbox row's time), ISO 8601 UTC. */
  timestamp: string;
  /** The subgraph that wrote it (`orders`, `stock`, `customers`, `products`, `prices`). */
  source: string;
  /** Channels the event concerns; empty when it concerns no one channel (stock received at a location). */
  channels: string[];
  /** The order, variant or customer the event is about. */
  aggregateId: string;
  /** Grows with every event of the aggregate (gaps allowed: stock uses the ledger movement's id). */
  aggregateVersion: number;
  data: TData;
}

/** The columns of every outbox table, from which the envelope is built. */
export interface OutboxRow {
  id: number;
  event_id: string;
  type: string;
  /** Outboxes whose events concern one channel at most (orders, stock, customers). */
  channel: string | null;
  /** Outboxes whose events may concern several (products, prices): a JSON array as text. */
  channels?: string | null;
  aggregate_id: string;
  aggregate_version: number;
  data: Record<string, unknown>;
  /** ISO 8601 text (the relay selects it as JSON renders it, whatever the pool's type parsers do). */
  occurred_at: string;
}

export function envelopeOf(source: string, row: OutboxRow): EventEnvelope {
  return {
    id: row.event_id,
    type: row.type,
    timestamp: new Date(row.occurred_at).toISOString(),
    source,
    channels: row.channels ? (JSON.parse(row.channels) as string[]) : row.channel ? [row.channel] : [],
    aggregateId: row.aggregate_id,
    aggregateVersion: Number(row.aggregate_version),
    data: row.data,
  };
}
