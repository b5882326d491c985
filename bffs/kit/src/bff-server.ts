import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { GraphQLError, parse } from 'graphql';
import { signChannelContext, type ChannelContext, type ChannelKind } from '@storegraph/schema';
import { graphiqlPage, SQL_COUNT_HEADER, sendJson, type Logger } from '@storegraph/kit';
import { AuthError, issueToken, verifyBearer, type Principal } from './identity.ts';
import { hashDocument, isIntrospectionOnly, loadAllowList, selectionDepth, type AllowedOperation } from './allow-list.ts';
import { ChannelRegistry, type ChannelDefinition } from './channel-registry.ts';
import { GatewayClient, type GraphQLRequestBody } from './gateway-client.ts';
import { DEMO_USERS } from './demo-users.ts';
import { ResponseCache, sharedMaxAge } from './response-cache.ts';
import { serveLiveAvailability } from './live-availability.ts';
import { ChangeStreamClient } from '@storegraph/kit';

export interface BffOptions {
  name: 'b2c' | 'b2b' | 'pos';
  kind: ChannelKind;
  port: number;
  gatewayUrl: string;
  contextSecret: string;
  idpSecret: string;
  operations: string;
  allowAdhoc: boolean;
  ide: boolean;
  demoLogin: boolean;
  /** Cache anonymous reads (invalidated by data changes); off when max is 0. */
  cache: { max: number; ttlMs: number; honourNoCache: boolean };
  logger: Logger;
  /** Picks the channel and checks the caller may use this BFF; throws a GraphQLError when not. */
  resolveCaller: (req: http.IncomingMessage, principal: Principal | null) => { channel: string };
}

export interface RunningBff {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_DEPTH = 12;
const LIVE_AVAILABILITY = 'query LiveAvailability($ids: [ID!]!) { variantsById(ids: $ids) { id availability { available inStock } } }';
const MAX_BODY = 256 * 1024;

function errorBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

function sendText(res: http.ServerResponse, status: number, body: string | Buffer) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function negotiateLocale(req: http.IncomingMessage, def: ChannelDefinition): string {
  const header = String(req.headers['accept-language'] ?? '');
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]!.trim();
    const exact = def.locales.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const lang = def.locales.find((l) => l.slice(0, 2).toLowerCase() === tag.slice(0, 2).toLowerCase());
    if (lang && tag) return lang;
  }
  return def.defaultLocale;
}

/**
 * A channel's backend-for-frontend: authenticates the caller, builds and signs the sales-channel
 * context, lets through only the channel's allowed operations, and forwards them to the gateway.
 */
export async function startBff(opts: BffOptions): Promise<RunningBff> {
  const allowList = loadAllowList(opts.operations);
  const byName = new Map<string, AllowedOperation>([...allowList.values()].map((o) => [o.name, o]));
  const gateway = new GatewayClient(opts.gatewayUrl);
  const channels = new ChannelRegistry(gateway, opts.contextSecret, `bff-${opts.name}`, opts.kind);
  // One follower of the gateway's change stream per BFF: it invalidates the cache and drives live queries.
  const changes = new ChangeStreamClient(opts.gatewayUrl.replace(/\/graphql$/, '/changes')).start();
  const cache = opts.cache.max > 0 ? new ResponseCache(changes, opts.cache) : undefined;
  const isQuery = new Map<string, boolean>();
  function queryOnly(query: string): boolean {
    let known = isQuery.get(query);
    if (known === undefined) {
      known = parse(query).definitions.every((d) => d.kind !== 'OperationDefinition' || d.operation === 'query');
      if (isQuery.size < 1000) isQuery.set(query, known);
    }
    return known;
  }

  function chooseDocument(body: GraphQLRequestBody): { query: string } | { error: [number, string, string] } {
    const persisted = (body.extensions?.persistedQuery as { sha256Hash?: string } | undefined)?.sha256Hash;
    if (!body.query) {
      const known = persisted ? allowList.get(persisted) : body.operationName ? byName.get(body.operationName) : undefined;
      return known ? { query: known.query } : { error: [400, 'PERSISTED_QUERY_NOT_FOUND', 'unknown operation: send its query or an allowed hash'] };
    }
    let hash: string;
    try {
      hash = hashDocument(body.query);
    } catch (err) {
      return { error: [400, 'GRAPHQL_PARSE_FAILED', (err as GraphQLError).message] };
    }
    if (allowList.has(hash)) return { query: body.query };
    if (!opts.allowAdhoc) return { error: [403, 'OPERATION_NOT_ALLOWED', `this operation is not on the ${opts.name} allow-list`] };
    const parsed = parse(body.query);
    if (!isIntrospectionOnly(parsed) && selectionDepth(parsed) > MAX_DEPTH) return { error: [400, 'BAD_USER_INPUT', `query deeper than ${MAX_DEPTH} levels`] };
    return { query: body.query };
  }

  async function buildContext(req: http.IncomingMessage, principal: Principal | null, requestId: string): Promise<ChannelContext> {
    const { channel } = opts.resolveCaller(req, principal);
    const def = await channels.get(channel);
    const staff = principal?.kind === 'staff' ? { id: principal.sub, roles: principal.roles ?? [], channels: principal.channels ?? [] } : undefined;
    return {
      requestId,
      channel: def.code,
      channelKind: def.kind,
      currency: def.currency,
      locale: negotiateLocale(req, def),
      country: def.country,
      taxMode: def.taxMode,
      customerId: principal && principal.kind !== 'device' && principal.kind !== 'staff' ? principal.sub : undefined,
      customerGroup: principal?.group,
      companyId: principal?.kind === 'buyer' ? principal.company : undefined,
      locationId: principal?.kind === 'device' ? principal.location : undefined,
      staff,
    };
  }

  async function handleGraphQL(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    const requestId = randomUUID();
    const started = performance.now();
    let operationName: string | null = null;
    res.once('finish', () =>
      opts.logger.info(
        { requestId, operation: operationName, status: res.statusCode, cache: res.getHeader('x-cache') ?? null, ms: Math.round(performance.now() - started) },
        'request',
      ),
    );
    let body: GraphQLRequestBody;
    try {
      body = req.method === 'GET' ? Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams) : JSON.parse(raw);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
      if (typeof body.variables === 'string') body.variables = JSON.parse(body.variables);
      if (typeof body.extensions === 'string') body.extensions = JSON.parse(body.extensions);
      operationName = typeof body.operationName === 'string' ? body.operationName : null;
    } catch {
      return sendJson(res, 400, errorBody('BAD_REQUEST', 'request body is not a JSON GraphQL request'));
    }
    let principal: Principal | null;
    try {
      principal = await verifyBearer(req.headers.authorization, opts.idpSecret);
    } catch (err) {
      if (err instanceof AuthError) return sendJson(res, 401, errorBody('UNAUTHENTICATED', err.message));
      throw err;
    }
    const doc = chooseDocument(body);
    if ('error' in doc) return sendJson(res, doc.error[0], errorBody(doc.error[1], doc.error[2]));
    // Writes need someone to answer for them (a customer, buyer, till or staff member; a storefront's guest
    // checkout gets a guest token from the identity provider): a reservation or order is owned by its caller.
    if (!principal && !queryOnly(doc.query)) return sendJson(res, 401, errorBody('UNAUTHENTICATED', 'sign in (or use a guest token) to change anything'));
    let context: ChannelContext;
    try {
      context = await buildContext(req, principal, requestId);
    } catch (err) {
      if (err instanceof GraphQLError) {
        const code = String(err.extensions.code ?? 'FORBIDDEN');
        return sendJson(res, code === 'UNAUTHENTICATED' ? 401 : 403, errorBody(code, err.message));
      }
      throw err;
    }
    res.setHeader('x-request-id', requestId);
    // Only anonymous reads are shared: anything signed-in may carry customer, group or company prices.
    const cacheKey =
      cache && !principal && queryOnly(doc.query)
        ? JSON.stringify([context.channel, context.locale, hashDocument(doc.query), body.operationName ?? null, body.variables ?? null])
        : undefined;
    // `Cache-Control: no-cache` asks for a fresh answer (HTTP semantics); it still refreshes the cache.
    const revalidate = opts.cache.honourNoCache && String(req.headers['cache-control'] ?? '').includes('no-cache');
    if (cacheKey && !revalidate) {
      const hit = cache!.get(cacheKey);
      if (hit) {
        res.setHeader('x-cache', 'HIT');
        return sendText(res, hit.status, hit.body);
      }
    }
    const generations = cacheKey ? cache!.snapshot() : undefined;
    const token = await signChannelContext(context, opts.contextSecret, `bff-${opts.name}`);
    // A request for SQL counts passes through (it only has an effect where STOREGRAPH_EXPOSE_SQL_COUNT is on).
    const countSql = req.headers[SQL_COUNT_HEADER] ? { [SQL_COUNT_HEADER]: '1' } : undefined;
    const result = await gateway.execute({ query: doc.query, variables: body.variables, operationName: body.operationName }, token, requestId, countSql);
    opts.logger.debug({ requestId, channel: context.channel, operation: body.operationName }, 'graphql');
    if (cacheKey) {
      const cacheable = result.status === 200 && !result.hasErrors;
      const entry = { status: result.status, body: Buffer.from(result.text), subgraphs: result.subgraphs };
      const stored = cacheable && cache!.set(cacheKey, entry, generations!, sharedMaxAge(result.cacheControl));
      res.setHeader('x-cache', stored ? 'MISS' : 'BYPASS');
    }
    sendText(res, result.status, result.text);
  }

  /**
   * The IDE opens with working credentials: with demo login on (development), a token of this BFF's first
   * demo user, renewed hourly; otherwise a placeholder to replace with a real token.
   */
  let ideToken: { value: Record<string, string>; at: number } | undefined;
  async function ideHeaders(): Promise<Record<string, string>> {
    if (ideToken && Date.now() - ideToken.at < 3_600_000) return ideToken.value;
    const user = DEMO_USERS.find((u) => u.bff === opts.name && u.kind !== 'staff');
    let value: Record<string, string> = { authorization: 'Bearer <access token>' };
    if (opts.demoLogin && user) {
      const { email: _e, bff: _b, ...principal } = user;
      value = { authorization: `Bearer ${await issueToken(principal, opts.idpSecret)}` };
    }
    ideToken = { value, at: Date.now() };
    return value;
  }

  async function handleDemoLogin(res: http.ServerResponse, raw: string) {
    let email = '';
    try {
      email = String(JSON.parse(raw).email ?? '');
    } catch {
      /* fall through to not found */
    }
    const user = DEMO_USERS.find((u) => u.email === email && (u.bff === opts.name || u.kind === 'staff'));
    if (!user) return sendJson(res, 404, errorBody('NOT_FOUND', `no demo user ${email} for the ${opts.name} BFF`));
    const { email: _e, bff: _b, ...principal } = user;
    return sendJson(res, 200, { accessToken: await issueToken(principal, opts.idpSecret), tokenType: 'Bearer' });
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', service: `bff-${opts.name}` });
      if (url.pathname === '/readyz') {
        const ready = await fetch(opts.gatewayUrl.replace(/\/graphql$/, '/readyz')).then(
          (r) => r.ok,
          () => false,
        );
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready' });
      }
      let raw = '';
      if (req.method === 'POST') {
        for await (const chunk of req) {
          raw += chunk;
          if (raw.length > MAX_BODY) return sendJson(res, 413, errorBody('BAD_REQUEST', 'request body too large'));
        }
      }
      if (url.pathname === '/auth/demo-login' && req.method === 'POST' && opts.demoLogin) return await handleDemoLogin(res, raw);
      if (url.pathname !== '/graphql') return sendJson(res, 404, errorBody('NOT_FOUND', 'not found'));
      if (req.method === 'GET' && opts.ide && String(req.headers.accept ?? '').includes('text/html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(graphiqlPage(`Storegraph ${opts.name.toUpperCase()} BFF`, await ideHeaders()));
      }
      if (req.method !== 'POST' && req.method !== 'GET') return sendJson(res, 405, errorBody('BAD_REQUEST', 'use POST'));
      await handleGraphQL(req, res, raw);
    } catch (err) {
      opts.logger.error({ err }, 'bff request failed');
      if (!res.headersSent) sendJson(res, 502, errorBody('INTERNAL_SERVER_ERROR', 'internal error'));
    }
  });
  const live = serveLiveAvailability(server, {
    logger: opts.logger,
    contextFor: async (params) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(params)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
      const req = { headers } as unknown as http.IncomingMessage;
      let principal: Principal | null;
      try {
        principal = await verifyBearer(headers.authorization, opts.idpSecret);
      } catch (err) {
        throw new GraphQLError((err as Error).message, { extensions: { code: 'UNAUTHENTICATED' } });
      }
      return buildContext(req, principal, randomUUID());
    },
    read: async (ctx, variantIds) => {
      const token = await signChannelContext(ctx, opts.contextSecret, `bff-${opts.name}`);
      const res = await gateway.execute({ query: LIVE_AVAILABILITY, variables: { ids: variantIds } }, token, ctx.requestId);
      const variants =
        (res.body as { data?: { variantsById?: ({ id: string; availability: { available: number; inStock: boolean } } | null)[] } }).data?.variantsById ?? [];
      return variants.filter((v) => v !== null).map((v) => ({ variantId: v!.id, ...v!.availability }));
    },
    onStockChange: (listener) => {
      const onChange = (e: { schema: string }) => e.schema === 'stock' && listener();
      changes.on('change', onChange);
      changes.on('up', listener);
      return () => {
        changes.off('change', onChange);
        changes.off('up', listener);
      };
    },
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  opts.logger.info({ url }, `bff-${opts.name} listening`);
  return {
    url,
    port,
    close: async () => {
      // Subscriptions first: once the HTTP server has closed, ws refuses to close its own server ("The
      // server is not running") and the stop was logged as an error.
      await live.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      changes.stop();
      await gateway.close();
    },
  };
}
