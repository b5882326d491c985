import type { Sql } from 'postgres';
import { appError, staffCan, type ChannelContext } from '@storegraph/schema';
import { endpointColumns, endpointInputProblems, registerWebhookEndpoint, rotateWebhookSecret, type WebhookEndpoint } from './webhook-endpoints.ts';
import { eventRelayOptionsFromEnv } from './event-relay.job.ts';
import { redeliver, redeliverRange } from './webhook-dispatcher.ts';

/** webhook-admin on every channel the endpoint filters; an endpoint of every channel needs the `*` scope. */
function mayAdminister(ctx: ChannelContext, channels: string[]): boolean {
  if (channels.length === 0) return staffCan(ctx, 'webhook-admin', '*');
  return channels.every((c) => staffCan(ctx, 'webhook-admin', c));
}

export async function registerEndpoint(sql: Sql, ctx: ChannelContext, input: { url: string; eventTypes: string[]; channels: string[] }) {
  if (!mayAdminister(ctx, input.channels)) throw appError('FORBIDDEN', 'webhook-admin on every channel of the endpoint is required');
  const [problem] = endpointInputProblems(input);
  if (problem) throw appError('BAD_USER_INPUT', problem.message, { argument: `input.${problem.field}` });
  return registerWebhookEndpoint(sql, { ...input, channels: [...new Set(input.channels)], createdBy: ctx.staff!.id });
}

export async function listEndpoints(sql: Sql, ctx: ChannelContext): Promise<WebhookEndpoint[]> {
  if (!ctx.staff) throw appError('FORBIDDEN', 'webhook-admin is required');
  const rows = await sql<WebhookEndpoint[]>`
    select ${endpointColumns(sql)} from webhooks.endpoints order by created_at desc, id`;
  return rows.filter((e) => mayAdminister(ctx, e.channels));
}

async function endpointOf(sql: Sql, ctx: ChannelContext, endpointId: string) {
  const [row] = await sql<{ channels: string[] }[]>`select channels from webhooks.endpoints where id::text = ${endpointId}`;
  if (!row) throw appError('NOT_FOUND', `no webhook endpoint ${endpointId}`);
  if (!mayAdminister(ctx, row.channels)) throw appError('FORBIDDEN', 'webhook-admin on every channel of the endpoint is required');
}

const deliveryColumns = (sql: Sql) => sql`
  d.id::text as id, d.event_id as "eventId", d.envelope->>'type' as "eventType", d.aggregate_id as "aggregateId",
  d.status, d.attempts, to_json(d.delivered_at) #>> '{}' as "deliveredAt",
  a.http_status as "lastHttpStatus", a.error as "lastError", a.latency_ms as "lastLatencyMs"`;

export async function listDeliveries(sql: Sql, ctx: ChannelContext, endpointId: string, first: number) {
  if (first < 1 || first > 500) throw appError('BAD_USER_INPUT', 'first is 1 to 500', { argument: 'first' });
  await endpointOf(sql, ctx, endpointId);
  return sql`select ${deliveryColumns(sql)} from webhooks.deliveries d
    left join lateral (select * from webhooks.attempts where delivery_id = d.id order by claim desc limit 1) a on true
    where d.endpoint_id::text = ${endpointId} order by d.id desc limit ${first}`;
}

export async function redeliverOne(sql: Sql, ctx: ChannelContext, deliveryId: string) {
  if (!/^[1-9][0-9]{0,17}$/.test(deliveryId)) throw appError('NOT_FOUND', `no webhook delivery ${deliveryId}`);
  const [d] = await sql<{ endpoint_id: string }[]>`select endpoint_id from webhooks.deliveries where id = ${deliveryId}`;
  if (!d) throw appError('NOT_FOUND', `no webhook delivery ${deliveryId}`);
  await endpointOf(sql, ctx, d.endpoint_id);
  await redeliver(sql, Number(deliveryId));
  const [row] = await sql`select ${deliveryColumns(sql)} from webhooks.deliveries d
    left join lateral (select * from webhooks.attempts where delivery_id = d.id order by claim desc limit 1) a on true
    where d.id = ${deliveryId}`;
  return row;
}

/**
 * Staff turn a disabled endpoint back on: deliveries held while it was off go out again with a fresh
 * attempt budget and retry window (they would otherwise be dead-lettered on their first failure), and its
 * failure clock restarts. Events written while it was off were queued for it as well (the relay fans out to
 * disabled endpoints too; nothing is attempted while it is off), so the receiver misses nothing of the
 * retention (`WEBHOOK_RETRY_WINDOW_HOURS`, 72 h): a held event that happened longer ago than that is
 * dead-lettered here instead of sent, as it would have been had the endpoint stayed on and kept failing.
 */
export async function enableEndpoint(
  sql: Sql,
  ctx: ChannelContext,
  endpointId: string,
  retentionMs = eventRelayOptionsFromEnv().retryWindowMs,
): Promise<WebhookEndpoint> {
  await endpointOf(sql, ctx, endpointId);
  return sql.begin(async (tx) => {
    const columns = endpointColumns(tx as unknown as Sql);
    // Already on: nothing to restart (its retries keep their budget).
    const [on] = await tx<WebhookEndpoint[]>`select ${columns} from webhooks.endpoints where id::text = ${endpointId} and enabled for update`;
    if (on) return on;
    const [row] = await tx<WebhookEndpoint[]>`update webhooks.endpoints
      set enabled = true, disabled_at = null, disabled_reason = null, failing_since = null
      where id::text = ${endpointId} returning ${columns}`;
    await tx`update webhooks.deliveries set status = 'DEAD', lease_until = null
      where endpoint_id::text = ${endpointId} and status = 'PENDING'
        and (envelope->>'timestamp')::timestamptz < now() - make_interval(secs => ${retentionMs / 1000})`;
    await tx`update webhooks.deliveries set attempts = 0, claims = claims + 1, next_attempt_at = now(), scheduled_at = now(), lease_until = null
      where endpoint_id::text = ${endpointId} and status = 'PENDING'`;
    return row!;
  });
}

/** The longest overlap a rotation may give the old secret: a week. */
const MAX_OVERLAP_SECONDS = 7 * 86_400;

/** Rotates an endpoint's secret (the new one is answered once, here); the old one signs too for the overlap. */
export async function rotateSecret(sql: Sql, ctx: ChannelContext, endpointId: string, overlapSeconds: number) {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS) {
    throw appError('BAD_USER_INPUT', `overlapSeconds is 0 to ${MAX_OVERLAP_SECONDS}`, { argument: 'overlapSeconds' });
  }
  await endpointOf(sql, ctx, endpointId);
  return rotateWebhookSecret(sql, endpointId, overlapSeconds);
}

function instant(value: string, argument: string): Date {
  const at = /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw appError('BAD_USER_INPUT', `${argument} is an ISO 8601 date-time`, { argument });
  return at;
}

/**
 * Replays every delivery of the endpoint whose event happened in [from, to) (a receiver restored from a
 * backup): each goes out again with its own webhook-id and a fresh attempt budget. Answers how many.
 */
export async function replayRange(sql: Sql, ctx: ChannelContext, endpointId: string, from: string, to: string): Promise<number> {
  const start = instant(from, 'from');
  const end = instant(to, 'to');
  if (end <= start) throw appError('BAD_USER_INPUT', 'to must be after from', { argument: 'to' });
  await endpointOf(sql, ctx, endpointId);
  return redeliverRange(sql, endpointId, start, end);
}
