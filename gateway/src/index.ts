import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { z } from 'zod';
import { CONTEXT_HEADER, SUBGRAPHS } from '@storegraph/schema';
import {
  boolSchema,
  createLogger,
  endChangeStreams,
  formatError,
  loadConfig,
  portSchema,
  requestGuardPlugin,
  sendJson,
  serveChangeStream,
  serveGraphQL,
  SQL_COUNT_HEADER,
  READ_FROM_HEADER,
} from '@storegraph/server-kit';
import { ChangeRelay } from './change-relay.ts';
import { SubgraphDataSource, type GatewayContext } from './subgraph-data-source.ts';

async function subgraphAlive(source: SubgraphDataSource): Promise<boolean> {
  if (!source.available) return false;
  const alive = await Promise.all(
    source.replicaUrls.map((u) =>
      fetch(u.replace(/\/graphql$/, '/healthz'), { signal: AbortSignal.timeout(500) }).then(
        (r) => r.ok,
        () => false,
      ),
    ),
  );
  return alive.some(Boolean);
}

const supergraphPath = new URL('../../schema/supergraph.graphql', import.meta.url);

export function gatewayConfig(env: NodeJS.ProcessEnv) {
  const urlList = z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((u) => u.trim()) : undefined));
  return loadConfig(
    {
      GATEWAY_PORT: portSchema(4000),
      GATEWAY_IDE: boolSchema(false),
      GATEWAY_INTROSPECTION: boolSchema(false),
      STOREGRAPH_EXPOSE_SQL_COUNT: boolSchema(false),
      PRODUCTS_URL: urlList,
      STOCK_URL: urlList,
      PRICES_URL: urlList,
      ORDERS_URL: urlList,
      CUSTOMERS_URL: urlList,
    },
    env,
  );
}

/**
 * The gateway: the committed supergraph (no runtime introspection), subgraph URLs from configuration,
 * no business logic. Introspection and the IDE are off unless enabled; nothing is reported to Apollo.
 */
export async function startGateway(env: NodeJS.ProcessEnv = process.env) {
  const config = gatewayConfig(env);
  const logger = createLogger('gateway');
  const urls: Record<string, string[] | undefined> = {
    products: config.PRODUCTS_URL,
    stock: config.STOCK_URL,
    prices: config.PRICES_URL,
    orders: config.ORDERS_URL,
    customers: config.CUSTOMERS_URL,
  };
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, urls[s.name] ?? [`http://127.0.0.1:${s.port}/graphql`]])) as Record<string, string[]>;
  const relay = new ChangeRelay(subgraphUrls).start();
  relay.on('healthy', (healthy) => {
    // Downstream caches must not outlive a gap in the change stream: end their streams so they drop
    // everything and reconnect; until every subgraph is followed again, /changes answers 503.
    if (!healthy) endChangeStreams();
  });
  const sources = new Map<string, SubgraphDataSource>();
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    buildService: ({ name, url }) => {
      const fallback = SUBGRAPHS.find((s) => s.name === name);
      const source = new SubgraphDataSource(name, urls[name] ?? [url ?? `http://127.0.0.1:${fallback?.port}/graphql`]);
      sources.set(name, source);
      return source;
    },
    logger,
  });
  const sqlCountPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (contextValue.subgraphs) response.http.headers.set('x-storegraph-subgraphs', [...contextValue.subgraphs].sort().join(','));
          if (!contextValue.countSql || response.body.kind !== 'single') return;
          const r = response.body.singleResult;
          r.extensions = { ...r.extensions, sqlStatements: contextValue.sqlStatements ?? {} };
        },
      };
    },
  };
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.GATEWAY_INTROSPECTION || config.GATEWAY_IDE,
    // Apollo's landing pages load from a CDN: disabled; our offline GraphiQL is served instead when enabled.
    plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginLandingPageDisabled(), requestGuardPlugin<GatewayContext>(), sqlCountPlugin],
    formatError: formatError(logger),
    includeStacktraceInErrorResponses: false,
  });
  const server = await serveGraphQL<GatewayContext>({
    name: 'gateway',
    port: config.GATEWAY_PORT,
    apollo,
    logger,
    graphiql: config.GATEWAY_IDE ? { title: 'Storegraph gateway', headers: { [CONTEXT_HEADER]: '<signed context from a BFF>' } } : false,
    routes: async (req, res) => {
      if (req.method !== 'GET' || !req.url?.startsWith('/changes')) return false;
      if (!relay.healthy) sendJson(res, 503, { status: 'change stream not ready' });
      else serveChangeStream([relay], req, res);
      return true;
    },
    // Ready when every subgraph has a replica that is alive (its /healthz within 500 ms) and whose circuit is
    // closed: a gateway that can only answer part of every request is not one to send more traffic to.
    ready: async () => {
      const unavailable = (await Promise.all([...sources].map(async ([name, source]) => ((await subgraphAlive(source)) ? null : name)))).filter(Boolean);
      return { ok: unavailable.length === 0, detail: { unavailable } };
    },
    context: async (req, requestId) => {
      const token = req.headers[CONTEXT_HEADER];
      // Asked-for SQL counts travel on to the subgraphs (tests and the benchmark; see kit's sql-counter.ts).
      const countSql = config.STOREGRAPH_EXPOSE_SQL_COUNT && !!req.headers[SQL_COUNT_HEADER];
      // A caller that must see the latest writes (a BFF re-reading after a change) asks for the primary.
      const primaryOnly = req.headers[READ_FROM_HEADER] === 'primary';
      return { contextToken: typeof token === 'string' ? token : undefined, requestId, countSql, primaryOnly };
    },
  });
  return {
    ...server,
    close: async () => {
      relay.stop();
      endChangeStreams();
      await server.close();
    },
  };
}
