import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import {
  boolSchema,
  contextIssuersSchema,
  contextSecretsSchema,
  loadConfig,
  optionalUrlSchema,
  portSchema,
  openCircuits,
  createLogger,
  serveGraphQL,
  type RunningServer,
  endChangeStreams,
  serveChangeStream,
  ReadRouter,
  type ReplicaReads,
} from '@storegraph/server-kit';
import { DEFAULT_VERIFY_OPTIONS } from '@storegraph/schema';
import { z } from 'zod';
import { databaseReachable, openDatabase, migrateSchema, type Database } from './database.ts';
import { ReplicaHealth } from './replica-health.ts';
import { createSubgraphServer, type SubgraphRequestContext } from './subgraph-server.ts';
import { AUDIT_MIGRATIONS, AUDIT_TABLES } from './audit/audit.plugin.ts';
import { eventRelayOptionsFromEnv, startEventRelay, WEBHOOKS_MIGRATIONS, WEBHOOKS_TABLES } from './events/index.ts';
import { ChangeFeed } from './change-feed.ts';
import { observeDatabase } from './telemetry/database-metrics.ts';
import { openJobQueue, type JobQueue } from './job-queue.ts';

export interface SubgraphDefinition<TSchema extends Record<string, unknown>, TContext extends SubgraphRequestContext> {
  name: string;
  pgSchema: string;
  defaultPort: number;
  schemaFile: URL;
  /** More SDL of the same subgraph (a staff half, `schema.<part>.graphql`), appended to schemaFile's. */
  extraSchemaFiles?: URL[];
  migrationsFolder: URL;
  tables: TSchema;
  resolvers: GraphQLResolverMap<TContext>;
  extendContext: (db: Database<TSchema>, base: SubgraphRequestContext, jobs: JobQueue) => TContext;
  /**
   * How data changes are announced for cache invalidation: by default a NOTIFY trigger on every table.
   * A subgraph with very hot writes names those tables `quietTables` (no trigger) and a version query
   * whose value moves whenever they change, polled instead (see ChangeFeed.poll).
   */
  changeVersion?: { quietTables: readonly string[]; query: string; intervalMs: number };
  /**
   * Background jobs (e.g. the reservation sweeper), declared on the subgraph's job queue (job-queue.ts) so that
   * several replicas share them; returns a stop function for anything else it started.
   */
  background?: (db: Database<TSchema>, jobs: JobQueue) => Promise<() => Promise<void>>;
  /**
   * The subgraph writes business events to `<pgSchema>.outbox` (the envelope's columns plus published_at):
   * it runs the event relay (webhooks) as a background job, on every replica.
   */
  outbox?: boolean;
  /**
   * With DATABASE_READ_URL set, storefront queries that touch only these root fields read from that replica
   * (read-routing.ts); writes, staff, services and every other read stay on the primary.
   */
  replicaReads?: ReplicaReads;
}

export interface RunningSubgraph<TSchema extends Record<string, unknown>> extends RunningServer {
  database: Database<TSchema>;
}

/** Boots one subgraph process: validated config, migrations, pool, verified context, HTTP. */
export async function startSubgraph<TSchema extends Record<string, unknown>, TContext extends SubgraphRequestContext>(
  def: SubgraphDefinition<TSchema, TContext>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningSubgraph<TSchema>> {
  const upper = def.name.toUpperCase();
  const config = loadConfig(
    {
      DATABASE_URL: z.string().url(),
      // A streaming replica of DATABASE_URL's server, same database: catalog, price and availability reads.
      DATABASE_READ_URL: optionalUrlSchema,
      [`${upper}_PORT`]: portSchema(def.defaultPort),
      [`${upper}_DB_POOL`]: z.coerce.number().int().min(1).max(200).default(10),
      STOREGRAPH_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
      STOREGRAPH_CONTEXT_SECRET: contextSecretsSchema,
      STOREGRAPH_CONTEXT_ISSUERS: contextIssuersSchema,
      STOREGRAPH_CONTEXT_MAX_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(DEFAULT_VERIFY_OPTIONS.maxTtlSeconds),
      STOREGRAPH_EXPOSE_SQL_COUNT: boolSchema(false),
      STOREGRAPH_RUN_BACKGROUND: boolSchema(true),
      STOREGRAPH_FAULT_INJECTION: boolSchema(false),
      // How soon a job whose process died is noticed (its expiry is checked this often, by one replica).
      STOREGRAPH_JOBS_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
      STOREGRAPH_JOBS_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
    },
    env,
  ) as Record<string, unknown> & {
    DATABASE_URL: string;
    DATABASE_READ_URL?: string;
    STOREGRAPH_CONTEXT_SECRET: string[];
    STOREGRAPH_CONTEXT_ISSUERS: string[];
    STOREGRAPH_CONTEXT_MAX_TTL_SECONDS: number;
    STOREGRAPH_EXPOSE_SQL_COUNT: boolean;
    STOREGRAPH_RUN_BACKGROUND: boolean;
    STOREGRAPH_FAULT_INJECTION: boolean;
    STOREGRAPH_DB_STATEMENT_TIMEOUT_MS: number;
    STOREGRAPH_JOBS_MAINTENANCE_SECONDS: number;
    STOREGRAPH_JOBS_POLL_SECONDS: number;
  };
  if (config.STOREGRAPH_FAULT_INJECTION && env.NODE_ENV === 'production')
    throw new Error('invalid configuration:\n  STOREGRAPH_FAULT_INJECTION: never in production');
  const relayOptions = def.outbox ? eventRelayOptionsFromEnv(env) : undefined;
  const logger = createLogger(def.name);
  // The outbox never needs its own change notification (its rows come with the change they describe), and
  // the relay marking rows published would otherwise drop every cache of the subgraph once more.
  const quietTables = [...(def.changeVersion?.quietTables ?? []), ...(def.outbox ? ['outbox'] : [])];
  await migrateSchema(config.DATABASE_URL, def.pgSchema, def.migrationsFolder.pathname, quietTables);
  if (def.outbox) await migrateSchema(config.DATABASE_URL, 'webhooks', WEBHOOKS_MIGRATIONS.pathname, WEBHOOKS_TABLES);
  // Every subgraph records the staff mutations it serves in the one append-only trail.
  await migrateSchema(config.DATABASE_URL, 'audit', AUDIT_MIGRATIONS.pathname, AUDIT_TABLES);
  // `deploy/migrate.ts` (the migrations job that runs before a rollout) stops here: schema applied, nothing served.
  if (env.STOREGRAPH_MIGRATE_ONLY === 'true') return { url: '', port: 0, database: undefined as never, close: async () => {} };
  const database = openDatabase({
    url: config.DATABASE_URL,
    schema: def.tables,
    poolSize: config[`${upper}_DB_POOL`] as number,
    applicationName: `storegraph-${def.name}`,
    statementTimeoutMs: config.STOREGRAPH_DB_STATEMENT_TIMEOUT_MS,
  });
  const jobs = await openJobQueue({
    sql: database.sql,
    schema: `${def.pgSchema}_jobs`,
    log: logger,
    work: config.STOREGRAPH_RUN_BACKGROUND,
    maintenanceSeconds: config.STOREGRAPH_JOBS_MAINTENANCE_SECONDS,
    pollSeconds: config.STOREGRAPH_JOBS_POLL_SECONDS,
  });
  // Only subgraphs that list replica reads open a second pool; the others ignore DATABASE_READ_URL.
  const replica =
    config.DATABASE_READ_URL && def.replicaReads
      ? openDatabase({
          url: config.DATABASE_READ_URL,
          schema: def.tables,
          poolSize: config[`${upper}_DB_POOL`] as number,
          applicationName: `storegraph-${def.name}-replica`,
          statementTimeoutMs: config.STOREGRAPH_DB_STATEMENT_TIMEOUT_MS,
        })
      : undefined;
  const replicaHealth = replica ? new ReplicaHealth(config.DATABASE_READ_URL!, def.name, logger).start() : undefined;
  const { apollo, context } = createSubgraphServer<TContext>({
    name: def.name,
    typeDefs: gql([def.schemaFile, ...(def.extraSchemaFiles ?? [])].map((f) => readFileSync(f, 'utf8')).join('\n')),
    resolvers: def.resolvers,
    contextSecrets: config.STOREGRAPH_CONTEXT_SECRET,
    verifyOptions: {
      ...DEFAULT_VERIFY_OPTIONS,
      issuers: config.STOREGRAPH_CONTEXT_ISSUERS,
      maxTtlSeconds: config.STOREGRAPH_CONTEXT_MAX_TTL_SECONDS,
    },
    logger,
    exposeSqlCount: config.STOREGRAPH_EXPOSE_SQL_COUNT,
    faultInjection: config.STOREGRAPH_FAULT_INJECTION,
    readRouter: replica && def.replicaReads ? new ReadRouter(def.replicaReads) : undefined,
    // A replica that is down or hangs hands its reads back to the primary (replica-health.ts).
    extendContext: (base) => def.extendContext(base.readsFromReplica && replica && replicaHealth?.usable ? replica : database, base, jobs),
    auditSql: () => database.sql,
  });
  const unobserve = observeDatabase({
    service: def.name,
    sql: database.sql,
    applicationName: `storegraph-${def.name}`,
    poolSize: config[`${upper}_DB_POOL`] as number,
    outboxSchema: def.outbox ? def.pgSchema : undefined,
  });
  const changes = new ChangeFeed();
  await changes.listen(database.sql, def.pgSchema);
  if (def.changeVersion) changes.poll(database.sql, def.pgSchema, def.changeVersion.query, def.changeVersion.intervalMs);
  changes.on('gap', () => {
    logger.warn('change notifications may have been missed: ending change streams');
    endChangeStreams();
  });
  const server = await serveGraphQL({
    name: def.name,
    port: config[`${upper}_PORT`] as number,
    apollo,
    context,
    logger,
    countSql: config.STOREGRAPH_EXPOSE_SQL_COUNT,
    routes: async (req, res) => {
      if (req.method !== 'GET' || !req.url?.startsWith('/changes')) return false;
      serveChangeStream([changes], req, res);
      return true;
    },
    // Ready: its own database answers within 1 s and no service it calls has an open circuit.
    ready: async () => {
      const open = openCircuits();
      // 800 ms, inside /readyz's 1 s, so that a slow database is reported as such rather than as a timeout.
      const db = await databaseReachable(database.sql, 800);
      const detail = { database: db ? 'up' : 'unavailable', ...(replicaHealth ? { replica: replicaHealth.state } : {}), unavailable: open };
      return { ok: db && open.length === 0, detail };
    },
  });
  // Declared even without STOREGRAPH_RUN_BACKGROUND (the queues must exist to enqueue); the queue then runs no workers.
  const stopJobs = def.background ? await def.background(database, jobs) : async () => {};
  const stopRelay = config.STOREGRAPH_RUN_BACKGROUND && relayOptions ? startEventRelay(database.sql, def.pgSchema, logger, relayOptions) : async () => {};
  const stopBackground = async () => {
    await Promise.all([stopJobs(), stopRelay()]);
    await jobs.stop();
  };
  return {
    ...server,
    database,
    close: async () => {
      await stopBackground();
      unobserve();
      await changes.close();
      endChangeStreams();
      await server.close();
      await database.close();
      await replicaHealth?.stop();
      await replica?.close();
    },
  };
}
