import { CONTEXT_HEADER } from '@storegraph/schema';
import { postGraphQL, signedContext, system } from '../support/clients.ts';
import { data } from './checkout-support.ts';

/**
 * Staff calls of the webhook API (orders subgraph) for the events-*.test.ts files: no admin BFF yet, so a
 * signed staff context at the gateway, as test/README.md's table says.
 */
export async function asWebhookAdmin(query: string, variables: Record<string, unknown>, channels = ['web-eu', 'web-us']) {
  const staff = { id: 'stf_events', roles: ['webhook-admin' as const], channels };
  return postGraphQL(system().gateway, { query, variables }, { [CONTEXT_HEADER]: await signedContext('web-eu', { staff }) });
}

export const REGISTER = `mutation($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes channels enabled } } }`;

/** Registers an endpoint through the staff API; its id goes into `owned` so the file can delete it after. */
export async function registerEndpoint(
  owned: string[],
  input: { url: string; eventTypes: string[]; channels: string[] },
  staffChannels = ['web-eu', 'web-us'],
) {
  const registered = data(await asWebhookAdmin(REGISTER, { input }, staffChannels)).registerWebhookEndpoint as {
    secret: string;
    endpoint: { id: string; url: string; eventTypes: string[]; channels: string[]; enabled: boolean };
  };
  owned.push(registered.endpoint.id);
  return { id: registered.endpoint.id, secret: registered.secret };
}

/**
 * Deletes a file's own webhook endpoints after its tests. The dispatcher may still be recording a delivery of
 * theirs, taking the same rows' locks in the other order, so PostgreSQL can answer a deadlock (40P01, seen once
 * on CI): the delete is tried again, up to 5 times.
 */
export async function deleteEndpoints(sql: ReturnType<typeof import('../support/clients.ts').sqlClient>, ids: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`delete from webhooks.endpoints where id = any(${ids}::uuid[])`;
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
