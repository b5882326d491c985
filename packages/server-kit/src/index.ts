// The server runtime every service shares (gateway, BFFs and subgraphs): HTTP serving, configuration, logging,
// errors, circuit breakers, cache hints, change streams and telemetry. No database driver: the gateway and BFFs
// never open a connection to PostgreSQL. The subgraph runtime (`@storegraph/kit`) builds on this package.
export * from './config.ts';
export * from './logger.ts';
export * from './sql-counter.ts';
export * from './http-server.ts';
export * from './graphiql.ts';
export * from './format-error.ts';
export * from './pg-errors.ts';
export * from './run-until-signal.ts';
export * from './node-flags.ts';
export * from './dependency-guard.ts';
export * from './replica-rotation.ts';
export * from './cache-hints.ts';
export * from './request-guard.plugin.ts';
export * from './read-routing.ts';
export * from './change-stream.ts';
export * from './change-stream-client.ts';
export * from './telemetry/index.ts';
