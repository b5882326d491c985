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
