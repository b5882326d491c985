import type { GatewayResult } from './gateway-client.ts';
import type { StaleEntry } from './response-cache.ts';

/** Seconds a client is asked to wait before retrying: about when an open circuit lets a test call through (1 s). */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The answer failed as a whole because something was unavailable: the gateway did not answer, or no data
 * came back and an error says SERVICE_UNAVAILABLE. A partial answer (a listing with availability null) is
 * not: it is served as it is, with its errors.
 */
export function failedAsWhole(result: GatewayResult): boolean {
  if (result.status >= 500) return true;
  if (!result.hasErrors) return false;
  const body = result.body as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return body.data == null && !!body.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
}

/** A stored clean answer, marked stale in its body (`extensions.stale`) for clients that read JSON only. */
export function staleBody(entry: StaleEntry, now = Date.now()): { body: Buffer; ageSeconds: number } {
  const ageSeconds = Math.floor((now - entry.storedAt) / 1000);
  const text = entry.body.toString('utf8');
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const extensions = { ...(parsed.extensions as Record<string, unknown> | undefined), stale: { ageSeconds } };
  return { body: Buffer.from(JSON.stringify({ ...parsed, extensions })), ageSeconds };
}
