import type { Sql } from 'postgres';
import { envelopeOf, type OutboxRow } from '@storegraph/schema';

/** Rows one pass hands on; a backlog of 10,000 drains in 50 short transactions instead of one long one. */
const BATCH = 200;

export interface RelayPass {
  /** Outbox rows marked published in this pass. */
  published: number;
  /** Webhook deliveries created for them. */
  deliveries: number;
}

/**
 * One relay pass over a subgraph's outbox: claims the oldest unpublished rows, creates one webhook delivery
 * per matching endpoint (event type, channel; a disabled one too: held until staff enable it), marks the rows published, in one transaction: a crash before
 * the commit leaves the rows to the next pass, and `on conflict do nothing` makes that pass harmless.
 *
 * Passes of one source run one at a time (a transaction-scoped advisory lock; the others return at once):
 * with two relays each claiming a different batch, the later event of an aggregate could become a delivery
 * before the earlier one, and the dispatcher orders by what exists. Fan-out is a few statements per 200
 * events; the slow part, HTTP, runs in parallel in the dispatcher.
 *
 * With `bus` (NATS_URL set) the same transaction also queues each event for the event bus
 * (`webhooks.bus_events`), so an event is either handed to both pipes or to neither.
 */
export async function relayOutbox(sql: Sql, source: string, bus = false): Promise<RelayPass> {
  // Outboxes name one channel (orders, stock, customers) or several (products, prices); reading the row as
  // JSON takes whichever column the table has.
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ held: boolean }[]>`select pg_try_advisory_xact_lock(hashtext(${`storegraph:relay:${source}`})) as held`;
    if (!lock?.held) return { published: 0, deliveries: 0 };
    const rows = await tx<OutboxRow[]>`
      select id, event_id, type, o.r->>'channel' as channel, (o.r->'channels')::text as channels, aggregate_id, aggregate_version, data,
        to_json(occurred_at) #>> '{}' as occurred_at
      from ${tx(source)}.outbox, lateral (select to_jsonb(outbox) as r) o
      where published_at is null order by id limit ${BATCH} for update of outbox skip locked`;
    if (rows.length === 0) return { published: 0, deliveries: 0 };
    // Sent as text: drizzle replaces the pool's json serializer, so sql.json() would not encode on a subgraph's pool.
    const events = rows.map((r) => ({ ...envelopeOf(source, r), seq: r.id }));
    const created = await tx<{ n: number }[]>`
      with e as (select value as envelope from jsonb_array_elements(${JSON.stringify(events)}::text::jsonb)),
      ins as (
        insert into webhooks.deliveries (endpoint_id, event_id, source, seq, aggregate_id, envelope)
        select p.id, (e.envelope->>'id')::uuid, ${source}, (e.envelope->>'seq')::bigint, e.envelope->>'aggregateId', e.envelope - 'seq'
        from e join webhooks.endpoints p on e.envelope->>'type' = any(p.event_types)
          and (cardinality(p.channels) = 0 or p.channels && array(select jsonb_array_elements_text(e.envelope->'channels')))
        order by (e.envelope->>'seq')::bigint, p.id
        on conflict (endpoint_id, event_id) do nothing
        returning 1)
      select count(*)::int as n from ins`;
    if (bus)
      await tx`insert into webhooks.bus_events (source, seq, envelope)
        select ${source}, (e->>'seq')::bigint, e - 'seq' from jsonb_array_elements(${JSON.stringify(events)}::text::jsonb) e
        on conflict do nothing`;
    await tx`update ${tx(source)}.outbox set published_at = now() where id = any(${rows.map((r) => r.id)}::bigint[])`;
    return { published: rows.length, deliveries: created[0]?.n ?? 0 };
  });
}
