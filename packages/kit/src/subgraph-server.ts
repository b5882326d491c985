import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import { CONTEXT_HEADER, ContextError, type ChannelContext, type ContextVerifyOptions, requestError, verifyChannelContext } from '@storegraph/schema';
import {
  type Logger,
  sqlCounterStore,
  type SqlCounter,
  formatError,
  requestGuardPlugin,
  cacheControlHeader,
  startCachePolicy,
  type CachePolicy,
  READ_FROM_HEADER,
  type ReadRouter,
} from '@storegraph/server-kit';
import type { Sql } from 'postgres';
import { auditPlugin } from './audit/audit.plugin.ts';

export interface SubgraphRequestContext extends BaseContext {
  channel: ChannelContext;
  /** Who signed the context: a BFF (`bff-b2c`, ...) or the checkout acting for a customer (`svc-orders`). */
  issuer: string;
  /** The verified token itself, forwarded unchanged when this subgraph calls another one. */
  contextToken: string;
  requestId: string;
  log: Logger;
  /** filled by `cacheHint` from the resolvers; becomes the answer's Cache-Control header */
  cachePolicy: CachePolicy;
  /** Crash tests only (STOREGRAPH_FAULT_INJECTION, refused in production): a step boundary to die at. */
  crashAt?: string;
  /** This request reads from the subgraph's read replica (DATABASE_READ_URL; read-routing.ts decides). */
  readsFromReplica?: boolean;
  /** present when the request asked for its SQL count (sql-counter.ts) */
  sqlCounter?: SqlCounter;
}

export interface SubgraphServerOptions<TContext extends SubgraphRequestContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  contextSecrets: string[];
  verifyOptions: ContextVerifyOptions;
  logger: Logger;
  exposeSqlCount: boolean;
  /** Honour `x-storegraph-crash-at` (crash tests); start-up refuses it in production. */
  faultInjection?: boolean;
  /** Adds per-request services and loaders to the verified base context. */
  extendContext: (base: SubgraphRequestContext) => TContext;
  /** Which requests may read from a replica; none: every request uses the primary. */
  readRouter?: ReadRouter;
  /** Where staff mutations are recorded (the audit trail, audit/audit.plugin.ts); none: not recorded. */
  auditSql?: () => Sql | undefined;
}

/**
 * Every subgraph request passes through here: the signed sales-channel context is verified before any
 * resolver runs; a missing, forged, expired or malformed one is UNAUTHENTICATED. Nothing else from the
 * request (headers, cookies) is trusted.
 */
export function createSubgraphServer<TContext extends SubgraphRequestContext>(opts: SubgraphServerOptions<TContext>) {
  const responsePlugin: ApolloServerPlugin<TContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const hasErrors = response.body.kind !== 'single' || !!response.body.singleResult.errors;
          response.http.headers.set('cache-control', cacheControlHeader(contextValue?.cachePolicy, hasErrors));
          if (!opts.exposeSqlCount || response.body.kind !== 'single' || !contextValue.sqlCounter) return;
          const result = response.body.singleResult;
          const { statements, downstream } = contextValue.sqlCounter;
          const counts: Record<string, number> = { ...downstream };
          counts[opts.name] = (counts[opts.name] ?? 0) + statements;
          result.extensions = { ...result.extensions, sqlStatements: counts };
        },
      };
    },
  };
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs: opts.typeDefs, resolvers: opts.resolvers as never }),
    plugins: [
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // Cache hints are our own (cache-hints.ts): Apollo's plugin hooks every field of every answer.
      ApolloServerPluginCacheControlDisabled(),
      requestGuardPlugin<TContext>(),
      responsePlugin,
      ...(opts.auditSql ? [auditPlugin<TContext>(opts.name, opts.auditSql)] : []),
    ],
    introspection: true, // subgraphs sit behind the gateway; composition tooling needs _service.sdl
    formatError: formatError(opts.logger),
    includeStacktraceInErrorResponses: false,
  });

  async function context(req: http.IncomingMessage, requestId: string, body?: unknown): Promise<TContext> {
    const token = req.headers[CONTEXT_HEADER];
    let channel: ChannelContext;
    let issuer: string;
    try {
      ({ context: channel, issuer } = await verifyChannelContext(typeof token === 'string' ? token : undefined, opts.contextSecrets, opts.verifyOptions));
    } catch (err) {
      const message = err instanceof ContextError ? err.message : 'invalid sales-channel context';
      throw requestError('UNAUTHENTICATED', message);
    }
    const rid = channel.requestId || requestId;
    const sqlCounter = sqlCounterStore.getStore();
    const base: SubgraphRequestContext = {
      channel,
      issuer,
      contextToken: token as string,
      requestId: rid,
      log: opts.logger.child({ requestId: rid }),
      sqlCounter,
      cachePolicy: startCachePolicy(channel),
    };
    if (opts.readRouter?.replicaMay(req.headers[READ_FROM_HEADER], issuer, channel, body)) base.readsFromReplica = true;
    const crashAt = opts.faultInjection ? req.headers['x-storegraph-crash-at'] : undefined;
    if (typeof crashAt === 'string') base.crashAt = crashAt;
    return opts.extendContext(base);
  }

  return { apollo, context };
}
