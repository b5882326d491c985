/**
 * Registers the storefront's revalidation endpoint (POST <storefront>/api/revalidate) for price.changed and
 * product.updated, through the admin BFF by operation name as staff would, and answers its whsec_ secret.
 * No channel filter: a base price book's change names no channel. Run again for the same URL, it rotates the
 * endpoint's secret with no overlap (the old one was this script's own, held by a process now gone) and turns
 * the endpoint back on if it was disabled, so restarts do not pile up endpoints.
 */
export const REVALIDATING_EVENT_TYPES = ['price.changed', 'product.updated'];

interface Endpoint {
  id: string;
  url: string;
  enabled: boolean;
}

async function call<T>(adminUrl: string, token: string | undefined, operationName: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(adminUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ operationName, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length || !body.data) {
    const why = body.errors?.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ') ?? `HTTP ${res.status}`;
    throw new Error(`${operationName} at ${adminUrl} was refused (${why})`);
  }
  return body.data;
}

export async function staffToken(adminUrl: string, email: string, password: string): Promise<string> {
  const { staffSignIn } = await call<{ staffSignIn: { __typename: string; accessToken?: string; message?: string } }>(adminUrl, undefined, 'StaffSignIn', {
    input: { email, password },
  });
  if (!staffSignIn.accessToken) throw new Error(`StaffSignIn as ${email}: ${staffSignIn.__typename} ${staffSignIn.message ?? ''}`);
  return staffSignIn.accessToken;
}

/** The endpoint's signing secret; `token` is a staff member's with webhook-admin on every channel (`*`). */
export async function registerRevalidationWebhook(o: { adminUrl: string; token: string; url: string }): Promise<string> {
  const { webhookEndpoints } = await call<{ webhookEndpoints: Endpoint[] }>(o.adminUrl, o.token, 'WebhookEndpoints', {});
  const existing = webhookEndpoints.find((e) => e.url === o.url);
  if (!existing) {
    const input = { url: o.url, eventTypes: REVALIDATING_EVENT_TYPES, channels: [] };
    const { registerWebhookEndpoint } = await call<{ registerWebhookEndpoint: { secret: string } }>(o.adminUrl, o.token, 'RegisterWebhookEndpoint', { input });
    return registerWebhookEndpoint.secret;
  }
  const { rotateWebhookSecret } = await call<{ rotateWebhookSecret: { secret: string } }>(o.adminUrl, o.token, 'RotateWebhookSecret', {
    endpointId: existing.id,
    overlapSeconds: 0,
  });
  if (!existing.enabled) await call(o.adminUrl, o.token, 'EnableWebhookEndpoint', { endpointId: existing.id });
  return rotateWebhookSecret.secret;
}
