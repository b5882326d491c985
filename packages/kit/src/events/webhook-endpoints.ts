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
}

/** The endpoint's columns as the staff API answers them (never its secrets). */
export const endpointColumns = (sql: Sql) => sql`id, url, event_types as "eventTypes", channels, enabled,
  to_json(disabled_at) #>> '{}' as "disabledAt", disabled_reason as "disabledReason", to_json(failing_since) #>> '{}' as "failingSince"`;

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
