import { inject } from 'vitest';
import postgres from 'postgres';
import { CONTEXT_HEADER, signChannelContext, type ChannelContextInput } from '@storegraph/schema';
import { DEMO_USERS, issueToken } from '@storegraph/bff-kit';
import { SQL_COUNT_HEADER } from '@storegraph/kit';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';

export const system = () => inject('system');

/** The running system's subgraphs as a gateway's configuration, for tests that start a gateway of their own. */
export function subgraphUrls() {
  const s = system();
  return { PRODUCTS_URL: s.products, STOCK_URL: s.stock.join(','), PRICES_URL: s.prices, ORDERS_URL: s.orders, CUSTOMERS_URL: s.customers };
}

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
  extensions?: { sqlStatements?: Record<string, number> };
  /** The answer's HTTP headers (x-cache, cache-control). */
  headers: Headers;
}

export async function postGraphQL<T = any>(url: string, body: object, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  // Every test request asks for its SQL statement count (answered because the test system runs with
  // STOREGRAPH_EXPOSE_SQL_COUNT on): N+1 regressions show up in the assertions on it.
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SQL_COUNT_HEADER]: '1', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
  return { status: res.status, headers: res.headers, ...json };
}

/** A bearer token for a demo user, as the identity provider would issue it. */
export async function tokenFor(email: string): Promise<string> {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (!user) throw new Error(`no demo user ${email}`);
  const { email: _e, bff: _b, ...principal } = user;
  return issueToken(principal, system().idpSecret);
}

/**
 * Calls a BFF as a production client does: an allow-listed operation by name only (the BFF holds its text;
 * the test system enforces the allow-list as production does), with the caller's bearer token (`as` a demo
 * user or a `token` of the test's own) and channel. Every BFF call of the suite goes through here.
 */
export async function bff<T = any>(
  which: 'b2c' | 'b2b' | 'pos' | 'admin',
  operationName: string,
  variables: Record<string, unknown> = {},
  opts: { as?: string; token?: string; channel?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  // What Apollo Client 4, urql and @storegraph/client send: GraphQL over HTTP's status codes (a refused input is
  // 400), where a client taking plain application/json (curl, fetch's default) gets 200 with the errors.
  const headers: Record<string, string> = { accept: 'application/graphql-response+json', ...opts.headers };
  const token = opts.token ?? (opts.as ? await tokenFor(opts.as) : undefined);
  if (token) headers.authorization = `Bearer ${token}`;
  Object.assign(headers, channelHeaders(which, opts.channel, headers));
  return postGraphQL<T>(system()[which], { operationName, variables }, headers);
}

/**
 * How a client names its channel: a storefront sends its publishable key (the demo seed issues one per
 * storefront channel); a till's staff user may name its POS channel. A test that sets either header
 * itself keeps it.
 */
export function channelHeaders(
  which: 'b2c' | 'b2b' | 'pos' | 'admin',
  channel: string | undefined,
  given: Record<string, string> = {},
): Record<string, string> {
  if (given['x-publishable-key'] || given['x-storefront-channel'] || given['x-channel']) return {};
  // Staff name the channel they work in; without one, the admin BFF picks their first.
  if (which === 'admin') return channel ? { 'x-channel': channel } : {};
  if (which === 'b2c') {
    const key = DEMO_PUBLISHABLE_KEYS[channel ?? 'web-eu'];
    return key ? { 'x-publishable-key': key } : { 'x-storefront-channel': channel! };
  }
  return channel ? { 'x-storefront-channel': channel } : {};
}

export const CHANNEL_DEFAULTS: Record<string, Omit<ChannelContextInput, 'requestId'>> = {
  'web-eu': { channel: 'web-eu', channelKind: 'B2C', currency: 'EUR', locale: 'de-DE', country: 'DE', taxMode: 'INCLUSIVE' },
  'web-us': { channel: 'web-us', channelKind: 'B2C', currency: 'USD', locale: 'en-US', country: 'US', taxMode: 'EXCLUSIVE' },
  'trade-eu': { channel: 'trade-eu', channelKind: 'B2B', currency: 'EUR', locale: 'en-GB', country: 'DE', taxMode: 'EXCLUSIVE' },
  'pos-berlin': {
    channel: 'pos-berlin',
    channelKind: 'POS',
    currency: 'EUR',
    locale: 'de-DE',
    country: 'DE',
    taxMode: 'INCLUSIVE',
    locationId: 'loc_berlin_shop',
  },
};

/** Signs a context the way a BFF does, for tests that talk to a subgraph or the gateway directly. */
export async function signedContext(channel: keyof typeof CHANNEL_DEFAULTS | string, extra: Partial<ChannelContextInput> = {}): Promise<string> {
  const base = CHANNEL_DEFAULTS[channel];
  if (!base) throw new Error(`unknown channel ${channel}`);
  return signChannelContext({ requestId: `test-${Math.random().toString(36).slice(2)}`, ...base, ...extra }, system().contextSecret, 'test');
}

export async function direct<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  channel: string,
  extra: Partial<ChannelContextInput> = {},
) {
  return postGraphQL<T>(url, { query, variables }, { [CONTEXT_HEADER]: await signedContext(channel, extra) });
}

/** A direct SQL connection for assertions on what was written (never used to fake a service). */
export function sqlClient() {
  return postgres(system().databaseUrl, { max: 2, onnotice: () => {} });
}
