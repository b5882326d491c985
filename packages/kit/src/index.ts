// The subgraph runtime: database and migrations, subgraph boot, loaders, typed clients to other subgraphs, the
// change feed, the outbox relay and webhooks, the job queue, the audit trail and read replicas. It re-exports the
// server runtime it builds on, so a subgraph imports one package.
export * from '@storegraph/server-kit';
export * from './database.ts';
export * from './subgraph-server.ts';
export * from './start-subgraph.ts';
export * from './loader-utils.ts';
export * from './change-feed.ts';
export * from './change-triggers.ts';
export * from './subgraph-client.ts';
export * from './per-database.ts';
export * from './events/index.ts';
export * from './telemetry/index.ts';
export * from './job-queue.ts';
