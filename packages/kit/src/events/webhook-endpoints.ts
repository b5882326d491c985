import { randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import { isEventType } from '@storegraph/schema';

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  channels: string[];
  enabled: boolean;
  /** Set when the endpoint was disabled for failing (ISO 8601), with the reason; null once re-enabled. */
  disabledAt: string | null;
  disabledReason: string | null;
  /** The first failed attempt since its last success; null while it answers. */
  failingSince: string | null;
  /** Until then the secret replaced by the last rotation signs beside the current one. */
  previousSecretExpiresAt: string | null;
}

/** The endpoint's columns as the staff API answers them (never its secrets). */
export const endpointColumns = (sql: Sql) => sql`id, url, event_types as "eventTypes", channels, enabled,
  to_json(disabled_at) #>> '{}' as "disabledAt", disabled_reason as "disabledReason", to_json(failing_since) #>> '{}' as "failingSince",
  case when previous_secret_expires_at > now() then to_json(previous_secret_expires_at) #>> '{}' end as "previousSecretExpiresAt"`;

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64 (the spec asks for 24 to 64 bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export type EndpointInputProblem = { field: 'url' | 'eventTypes' | 'channels'; message: string };

/** The rules an endpoint must meet; a list of problems (empty when it may be registered). */
export function endpointInputProblems(input: { url: string; eventTypes: string[]; channels: string[] }): EndpointInputProblem[] {
  const problems: EndpointInputProblem[] = [];
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {
    problems.push({ field: 'url', message: 'not a URL' });
  }
  if (url && url.protocol !== 'https:' && url.protocol !== 'http:') problems.push({ field: 'url', message: 'http or https only' });
  if (url && (url.username || url.password)) problems.push({ field: 'url', message: 'no credentials in the URL: receivers verify the signature' });
  if (input.eventTypes.length === 0) problems.push({ field: 'eventTypes', message: 'at least one event type' });
  for (const t of input.eventTypes) if (!isEventType(t)) problems.push({ field: 'eventTypes', message: `unknown event type ${t}` });
  return problems;
}

/** Registers an endpoint; the secret is returned once here and never read back. */
export async function registerWebhookEndpoint(
  sql: Sql,
  input: { url: string; eventTypes: string[]; channels: string[]; createdBy: string; secret?: string },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = input.secret ?? newWebhookSecret();
  const [row] = await sql<WebhookEndpoint[]>`
    insert into webhooks.endpoints (url, event_types, channels, secrets, created_by)
    values (${input.url}, ${input.eventTypes}, ${input.channels}, ${[secret]}, ${input.createdBy})
    returning ${endpointColumns(sql)}`;
  return { endpoint: row!, secret };
}

/**
 * A new current secret; the one it replaces keeps signing beside it for `overlapSeconds` (0: stops at once,
 * for a leaked secret). A rotation during an overlap drops the oldest: an endpoint holds two secrets at most.
 */
export async function rotateWebhookSecret(sql: Sql, endpointId: string, overlapSeconds: number): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = newWebhookSecret();
  const [row] = await sql<WebhookEndpoint[]>`
    update webhooks.endpoints set secrets = array[${secret}::text, secrets[1]],
      previous_secret_expires_at = now() + make_interval(secs => ${overlapSeconds})
    where id::text = ${endpointId} returning ${endpointColumns(sql)}`;
  return { endpoint: row!, secret };
}
