import type { Sql, TransactionSql } from 'postgres';
import { Webhook } from 'standardwebhooks';
import { retryDelayMs } from './webhook-backoff.ts';

export interface DispatchOptions {
  /** Per-attempt timeout; the lease is this plus a margin, so no other relay sends it meanwhile. */
  timeoutMs: number;
  maxAttempts: number;
  /** Retries stop once a delivery is this old (the three days), whatever the attempt count. */
  retryWindowMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** An endpoint whose every attempt has failed for this long is disabled by its next failure. */
  disableAfterMs: number;
  /** Recorded with each attempt; host:pid unless set. */
  workerId: string;
}

interface Claimed {
  id: number;
  event_id: string;
  /** The envelope exactly as stored, sent as the body (parsing and re-encoding it could change its bytes). */
  body: string;
  attempts: number;
  claims: number;
  endpoint_id: string;
  url: string;
  secrets: string[];
  age_ms: number;
}

/**
 * Claims deliveries that are due, at most `limit`, with a lease. A delivery is due only when no earlier
 * event of the same aggregate is still pending for the same endpoint, so each receiver hears an
 * aggregate's events in order; a dead-lettered one no longer holds the others back. FOR UPDATE SKIP LOCKED
 * lets replicas claim side by side without waiting on each other, and the lease (committed with the
 * claim) keeps every other replica off the delivery until this one has answered or given up.
 */
export async function claimDeliveries(sql: Sql, source: string, limit: number, leaseMs: number): Promise<Claimed[]> {
  if (limit <= 0) return [];
  return sql<Claimed[]>`
    with due as (
      select d.id from webhooks.deliveries d
      where d.source = ${source} and d.status = 'PENDING' and d.next_attempt_at <= now()
        and (d.lease_until is null or d.lease_until < now())
        and exists (select 1 from webhooks.endpoints p where p.id = d.endpoint_id and p.enabled)
        and not exists (
          select 1 from webhooks.deliveries e
          where e.endpoint_id = d.endpoint_id and e.source = d.source and e.aggregate_id = d.aggregate_id
            and e.status = 'PENDING' and e.seq < d.seq)
      order by d.seq limit ${limit}
      for update of d skip locked),
    claimed as (
      update webhooks.deliveries d
      set lease_until = now() + make_interval(secs => ${leaseMs / 1000}), attempts = d.attempts + 1, claims = d.claims + 1
      from due where d.id = due.id
      returning d.id, d.event_id, d.envelope, d.attempts, d.claims, d.endpoint_id, d.scheduled_at)
    select c.id, c.event_id, c.envelope::text as body, c.attempts, c.claims, c.endpoint_id, p.url,
      -- The replaced secret signs too until its overlap ends (webhook-endpoints.ts rotateWebhookSecret).
      case when p.previous_secret_expires_at > now() then p.secrets else p.secrets[1:1] end as secrets,
      (extract(epoch from now() - c.scheduled_at) * 1000)::int as age_ms
    from claimed c join webhooks.endpoints p on p.id = c.endpoint_id`;
}

/** Signs with every secret of the endpoint (Standard Webhooks: space-separated signatures), so a rotation overlaps. */
export function signatureHeaders(eventId: string, body: string, secrets: string[], at = new Date()) {
  const signatures = secrets.map((s) => new Webhook(s).sign(eventId, at, body));
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/** One attempt: POST the envelope, record the attempt, then settle (delivered, retry later or dead). */
export async function deliver(sql: Sql, d: Claimed, opts: DispatchOptions): Promise<'DELIVERED' | 'PENDING' | 'DEAD'> {
  const body = d.body;
  const started = performance.now();
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signatureHeaders(d.event_id, body, d.secrets) },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'manual',
    });
    httpStatus = res.status;
    await res.body?.cancel();
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : 'request failed';
  }
  const latencyMs = Math.round(performance.now() - started);
  const ok = httpStatus !== null && httpStatus >= 200 && httpStatus < 300;
  const outcome = ok ? 'DELIVERED' : d.attempts >= opts.maxAttempts || d.age_ms >= opts.retryWindowMs ? 'DEAD' : 'PENDING';
  const delayMs = retryDelayMs(d.attempts, opts.retryBaseMs, opts.retryMaxMs);
  await sql.begin(async (tx) => {
    await tx`insert into webhooks.attempts (delivery_id, claim, worker, http_status, error, latency_ms)
      values (${d.id}, ${d.claims}, ${opts.workerId}, ${httpStatus}, ${error}, ${latencyMs})`;
    // Fenced by the claim: a worker that outlived its lease leaves the newer claim's outcome alone.
    await tx`update webhooks.deliveries set status = ${outcome}, lease_until = null,
        delivered_at = case when ${ok} then now() end,
        next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
      where id = ${d.id} and claims = ${d.claims}`;
    await recordEndpointHealth(tx, d.endpoint_id, ok, opts.disableAfterMs);
  });
  return outcome;
}

/**
 * The rule for an endpoint that keeps failing: `failing_since` marks its first failed attempt after a
 * success; a failure once every attempt has failed for `disableAfterMs` disables it, with the time and the
 * reason. Each statement writes only when the state changes, so a healthy endpoint's row is not updated
 * (and not locked) by every delivery.
 */
async function recordEndpointHealth(tx: TransactionSql, endpointId: string, ok: boolean, disableAfterMs: number) {
  if (ok) {
    await tx`update webhooks.endpoints set failing_since = null where id = ${endpointId} and failing_since is not null`;
    return;
  }
  await tx`update webhooks.endpoints set failing_since = now() where id = ${endpointId} and failing_since is null`;
  await tx`update webhooks.endpoints
    set enabled = false, disabled_at = now(),
      disabled_reason = 'every delivery attempt failed since ' || (to_json(failing_since) #>> '{}') || ' (' || ${Math.round(disableAfterMs / 1000)} || ' s allowed)'
    where id = ${endpointId} and enabled and failing_since <= now() - make_interval(secs => ${disableAfterMs / 1000})`;
}

/**
 * Puts a delivery back in the queue with a fresh attempt budget (staff redelivery, dead or delivered).
 * Bumping the claim counter fences out an attempt still in flight: its outcome would otherwise overwrite
 * the redelivery (the bench's replay lost 23 of 1,705 that way before this).
 */
export async function redeliver(sql: Sql, deliveryId: number): Promise<boolean> {
  const rows = await sql`update webhooks.deliveries
    set status = 'PENDING', attempts = 0, claims = claims + 1, next_attempt_at = now(), lease_until = null, delivered_at = null, scheduled_at = now()
    where id = ${deliveryId} returning id`;
  return rows.length === 1;
}

/**
 * Replays an endpoint's deliveries of events written in [from, to) (a receiver restored from a backup).
 * Times go as ISO text: a subgraph's pool (drizzle's) has no serializer for Date parameters.
 */
export async function redeliverRange(sql: Sql, endpointId: string, from: Date, to: Date): Promise<number> {
  const rows = await sql`update webhooks.deliveries
    set status = 'PENDING', attempts = 0, claims = claims + 1, next_attempt_at = now(), lease_until = null, delivered_at = null, scheduled_at = now()
    where endpoint_id = ${endpointId}::uuid and (envelope->>'timestamp')::timestamptz >= ${from.toISOString()}::timestamptz
      and (envelope->>'timestamp')::timestamptz < ${to.toISOString()}::timestamptz
    returning id`;
  return rows.length;
}
