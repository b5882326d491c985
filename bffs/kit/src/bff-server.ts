import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelKind } from '@storegraph/schema';
import { ChangeStreamClient, drainServer, listenHost, ObservedResponse, observeRequest, sendJson, type Logger } from '@storegraph/server-kit';
import { issueGuestToken } from './identity.ts';
import { loadAllowList } from './allow-list.ts';
import { AccountDirectory } from './account-directory.ts';
import { StaffDirectory } from './staff-directory.ts';
import { TillDirectory } from './till-directory.ts';
import { bearerAuthenticator, ExternalIdentityVerifier, type OidcOptions } from './external-identity.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { contextBuilder, type ResolveCaller } from './channel-context.builder.ts';
import { PublishableKeys } from './publishable-keys.registry.ts';
import { createRateLimits, type RateLimitSettings } from './rate-limit.rules.ts';
import { DocumentChooser } from './document-choice.rules.ts';
import { devTools } from './dev-tools.handler.ts';
import { errorBody, isRefusal, refusal, sendRefusal } from './edge-refusal.ts';
import { GatewayClient } from './gateway-client.ts';
import { graphqlHandler, type UploadLimits } from './graphql-request.handler.ts';
import { mediaTypeRefusal, methodRefusal } from './http-edge.rules.ts';
import { serveLiveAvailability } from './live-availability.ts';
import { liveFeedReaders } from './live-feeds.gateway.ts';
import { serveMetricsPort } from './metrics-port.ts';
import { liveGate } from './live-gate.rules.ts';
import { readBody } from './request-body.reader.ts';
import { ResponseCache } from './response-cache.ts';
import { RedisCacheStore } from './response-cache.redis-store.ts';
import { closeRedis, connectRedis } from './redis-connection.ts';
import { ResponseCachePolicy } from './response-cache.policy.ts';
import { StaffSchema } from './staff-schema.ts';

export interface BffOptions {
  name: 'b2c' | 'b2b' | 'pos' | 'admin';
  kind: ChannelKind;
  port: number;
  /**
   * Where `/metrics` is served instead of the public port: a port the ingress never routes to, so shoppers cannot
   * read operation names, error rates and pool use. Unset: the public port answers /metrics (development, tests).
   */
  metricsPort?: number;
  /** the gateways' GraphQL addresses (GATEWAY_URL): one, or several replicas taken in turn */
  gatewayUrls: readonly string[];
  contextSecret: string;
  idpSecret: string;
  operations: string;
  /** The subscriptions served over graphql-ws (live-operations.graphql): the live allow-list. */
  liveOperations: string;
  /** Subscriptions one graphql-ws connection may hold at once (BFF_LIVE_MAX_SUBSCRIPTIONS). */
  liveMaxSubscriptions: number;
  allowAdhoc: boolean;
  ide: boolean;
  demoLogin: boolean;
  /** Storefronts: anonymous shoppers get a guest session token at POST /auth/guest (to own a cart and check out). */
  guestSessions: boolean;
  /** An external OpenID Connect provider whose tokens this BFF accepts beside its own (OIDC_ISSUER, OIDC_JWKS_URL). */
  oidc?: OidcOptions;
  /** How long a signed-in caller's account facts are reused (BFF_ACCOUNT_CACHE_MS). */
  accountCacheMs: number;
  /** Cache anonymous reads (invalidated by data changes); off when max is 0. */
  /** `redisUrl`: the entries live in Redis, shared by every replica of this BFF (response-cache.redis-store.ts). */
  cache: { max: number; ttlMs: number; staleMs?: number; honourNoCache: boolean; redisUrl?: string; redisKeyPrefix?: string };
  logger: Logger;
  /** Storefronts: the channel comes from a publishable key (`x-publishable-key`) the catalog issued. */
  publishableKeys: boolean;
  /** Development only: an unsigned `x-storefront-channel` header may pick the channel. */
  channelHeader: boolean;
  /** The admin BFF: a staff caller's context may only be for one of their own channels. */
  staffChannelsOnly?: boolean;
  /**
   * Self-contained pages served on GET at their path (the admin dashboard): the HTML and the Content-Security-Policy
   * it is sent with. They hold no data; whatever they show they ask /graphql for, by operation name, like any client.
   */
  pages?: Record<string, () => { html: string; csp: string }>;
  /** Staff explore the schema in GraphiQL: their introspection is answered from the API schema (staff-schema.ts). */
  staffSchema?: boolean;
  /** Request budgets per address, per signed-in caller and for starting sessions (429 + Retry-After). */
  limits: RateLimitSettings;
  /** Picks the channel and checks the caller may use this BFF; throws a GraphQLError when not. */
  resolveCaller: ResolveCaller;
  /** Operations whose variables may carry one file as text: a larger body and longer strings for those. */
  uploads?: UploadLimits;
}

export interface RunningBff {
  url: string;
  port: number;
  /** the internal metrics port, when /metrics is not on the public one */
  metricsPort?: number;
  close(): Promise<void>;
}

/**
 * A channel's backend-for-frontend: authenticates the caller, builds and signs the sales-channel
 * context, lets through only the channel's allowed operations, and forwards them to the gateway.
 */
export async function startBff(opts: BffOptions): Promise<RunningBff> {
  const gateway = new GatewayClient(opts.gatewayUrls);
  const channels = new ChannelRegistry(gateway, opts.contextSecret, `bff-${opts.name}`, opts.kind, opts.staffChannelsOnly);
  const authenticate = bearerAuthenticator(opts.idpSecret, opts.oidc ? new ExternalIdentityVerifier(opts.oidc) : undefined);
  const accounts = new AccountDirectory(gateway, opts.contextSecret, opts.accountCacheMs);
  const staffDirectory = new StaffDirectory(gateway, opts.contextSecret, opts.accountCacheMs);
  // Only tills sign in on a POS BFF; elsewhere a till token is refused by the caller rule anyway.
  const tillDirectory = opts.kind === 'POS' ? new TillDirectory(gateway, opts.contextSecret, opts.accountCacheMs) : undefined;
  // One follower of a gateway's change stream per BFF: it invalidates the caches and drives live queries. Every
  // gateway relays every change, so it follows one and moves to the next when that one goes away.
  const changes = new ChangeStreamClient(opts.gatewayUrls.map((u) => u.replace(/\/graphql$/, '/changes'))).start();
  const keys = opts.publishableKeys ? new PublishableKeys(gateway, opts.contextSecret, `bff-${opts.name}`, opts.kind, changes) : undefined;
  const buildContext = contextBuilder(
    opts.resolveCaller,
    channels,
    opts.idpSecret,
    {
      channelOfKey: (token) => keys?.channelOf(token) ?? Promise.resolve(null),
      channelHeader: opts.channelHeader,
      staffChannelsOnly: opts.staffChannelsOnly,
    },
    accounts,
    staffDirectory,
    tillDirectory,
  );
  const cacheRedis =
    opts.cache.max > 0 && opts.cache.redisUrl ? await connectRedis(opts.cache.redisUrl, opts.logger, 'response cache (misses until it is back)') : undefined;
  const store = cacheRedis ? new RedisCacheStore(cacheRedis, opts.cache.redisKeyPrefix ?? 'sg', opts.name, opts.cache.ttlMs, opts.logger) : undefined;
  const cache = opts.cache.max > 0 ? new ResponseCache(changes, { ...opts.cache, store }) : undefined;
  const dev = devTools(opts);
  const limits = await createRateLimits(opts.name, opts.limits, opts.logger);
  const handleGraphQL = graphqlHandler({
    bff: opts.name,
    contextSecret: opts.contextSecret,
    idpSecret: opts.idpSecret,
    logger: opts.logger,
    chooser: new DocumentChooser(loadAllowList(opts.operations), opts.name, opts.allowAdhoc),
    buildContext,
    cache: new ResponseCachePolicy(cache, opts.cache.honourNoCache),
    gateway,
    accounts,
    staffDirectory,
    tillDirectory,
    authenticate,
    limits,
    staffSchema: opts.staffSchema ? new StaffSchema() : undefined,
    uploads: opts.uploads,
  });

  /** A JSON body within the size limit, or the refusal already sent (before reading it when the type is wrong). */
  async function jsonBody(req: http.IncomingMessage, res: http.ServerResponse): Promise<string | null> {
    // The body is read before its operation is known: a BFF with uploads takes their size on every request,
    // and the input rule below still holds every other operation to its usual string length.
    const body = mediaTypeRefusal(req) ?? (await readBody(req, opts.uploads?.maxBodyBytes));
    if (isRefusal(body)) sendRefusal(req, res, body);
    return typeof body === 'string' ? body : null;
  }

  let stopping = false;
  const metricsOnPublicPort = opts.metricsPort === undefined;
  const server = http.createServer({ ServerResponse: ObservedResponse }, (req, res) =>
    observeRequest(`bff-${opts.name}`, req, res, () => handle(req, res), { metrics: metricsOnPublicPort }),
  );
  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // A stopping BFF tells each client to reconnect elsewhere rather than keep a socket to a closing server.
    if (stopping) res.setHeader('connection', 'close');
    try {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', service: `bff-${opts.name}` });
      // Ready while it can answer: not stopping, and a gateway is alive (its /healthz within 1 s; with several,
      // one is enough, since requests pass over the others). The gateways' own readiness is not asked: with a
      // subgraph down the BFF still serves, degraded or stale.
      if (url.pathname === '/readyz') {
        const ready = !stopping && (await anyGatewayAlive(opts.gatewayUrls));
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready' });
      }
      // Every other request spends its address's budget before anything is read or asked.
      const overBudget = (await limits.address(req)) ?? (url.pathname.startsWith('/auth/') ? await limits.signIn(req) : null);
      if (overBudget) return sendRefusal(req, res, overBudget);
      if (url.pathname === '/auth/guest' && req.method === 'POST' && opts.guestSessions) {
        const raw = await jsonBody(req, res);
        return raw === null ? undefined : sendJson(res, 200, { ...(await issueGuestToken(opts.idpSecret)), tokenType: 'Bearer' });
      }
      if (url.pathname === '/auth/demo-login' && req.method === 'POST' && opts.demoLogin) {
        const raw = await jsonBody(req, res);
        return raw === null ? undefined : await dev.demoLogin(res, raw);
      }
      const page = req.method === 'GET' ? opts.pages?.[url.pathname] : undefined;
      if (page) {
        const { html, csp } = page();
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        });
        return res.end(html);
      }
      if (url.pathname !== '/graphql') return sendRefusal(req, res, refusal(404, 'NOT_FOUND', 'not found'));
      if (req.method === 'GET' && opts.ide && String(req.headers.accept ?? '').includes('text/html')) return await dev.servePage(res);
      const wrongMethod = methodRefusal(req.method);
      if (wrongMethod) return sendRefusal(req, res, wrongMethod);
      const raw = req.method === 'POST' ? await jsonBody(req, res) : '';
      if (raw !== null) await handleGraphQL(req, res, raw);
    } catch (err) {
      opts.logger.error({ err }, 'bff request failed');
      if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'internal error'));
    }
  }
  /** Calls `listener` on each change a subgraph announces, and when the stream comes back (anything may have changed). */
  const onSchemaChange = (schema: string) => (listener: () => void) => {
    const onChange = (e: { schema: string }) => e.schema === schema && listener();
    changes.on('change', onChange);
    changes.on('up', listener);
    return () => {
      changes.off('change', onChange);
      changes.off('up', listener);
    };
  };
  const live = serveLiveAvailability(server, {
    logger: opts.logger,
    gate: liveGate({
      authenticate,
      buildContext,
      limits,
      chooser: new DocumentChooser(loadAllowList(opts.liveOperations), `${opts.name} live`, opts.allowAdhoc),
      maxSubscriptions: opts.liveMaxSubscriptions,
    }),
    ...liveFeedReaders({ gateway, contextSecret: opts.contextSecret, signer: `bff-${opts.name}`, onSchemaChange }),
    onStockChange: onSchemaChange('stock'),
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(opts.port, listenHost(), resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  const metrics = metricsOnPublicPort ? undefined : await serveMetricsPort(opts.metricsPort!);
  opts.logger.info({ url, metricsPort: metrics?.port }, `bff-${opts.name} listening`);
  return {
    url,
    port,
    metricsPort: metrics?.port,
    close: async () => {
      // Subscriptions first: once the HTTP server has closed, ws refuses to close its own server ("The
      // server is not running") and the stop was logged as an error.
      stopping = true;
      await live.close();
      await drainServer(server);
      if (metrics) await new Promise<void>((resolve) => metrics.server.close(() => resolve()));
      changes.stop();
      await gateway.close();
      await limits.close();
      await cache?.close();
      await closeRedis(cacheRedis);
    },
  };
}

/** Whether one of the gateways answers its /healthz within 1 s (asked all at once). */
function anyGatewayAlive(urls: readonly string[]): Promise<boolean> {
  const alive = (url: string) =>
    fetch(url.replace(/\/graphql$/, '/healthz'), { signal: AbortSignal.timeout(1_000) }).then((r) => (r.ok ? true : Promise.reject(new Error('not ok'))));
  return Promise.any(urls.map(alive)).then(
    () => true,
    () => false,
  );
}
