import postgres, { type Sql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { countStatement, tracingEnabled } from '@storegraph/server-kit';
import { tracedSql } from './telemetry/traced-sql.ts';
import { dropChangeTriggers, installChangeTriggers } from './change-triggers.ts';

export interface Database<TSchema extends Record<string, unknown>> {
  db: PostgresJsDatabase<TSchema>;
  sql: Sql;
  close(): Promise<void>;
}

export interface DatabaseOptions<TSchema extends Record<string, unknown>> {
  url: string;
  schema: TSchema;
  poolSize: number;
  applicationName: string;
  /** PostgreSQL cancels a statement running longer than this (default 5000 ms) */
  statementTimeoutMs?: number;
}

/** Seconds to wait for a connection: a stopped server refuses at once, a hung one is given up on after 2 s. */
const CONNECT_TIMEOUT_S = 2;

export function openDatabase<TSchema extends Record<string, unknown>>(opts: DatabaseOptions<TSchema>): Database<TSchema> {
  const sql = postgres(opts.url, {
    max: opts.poolSize,
    // postgres.js prepares each distinct statement once per connection (named prepared statements).
    prepare: true,
    idle_timeout: 30,
    connect_timeout: CONNECT_TIMEOUT_S,
    // postgres.js waits before reconnecting after a failed connect, by default growing to 20 s, and queries
    // wait with it: with the database gone for 20 s, requests hung 5-15 s. 50 ms doubling to at most 0.5 s
    // keeps a failing request under a second and reconnects within half a second of the server's return.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5),
    // Server-side limits, sent with each connection's start-up: a statement stuck behind a lock or on an
    // overloaded server ends as 57014 (SERVICE_UNAVAILABLE to the client) instead of holding its
    // connection and the request; a transaction left open by a crashed request frees its locks after 10 s.
    connection: {
      application_name: opts.applicationName,
      statement_timeout: opts.statementTimeoutMs ?? 5_000,
      idle_in_transaction_session_timeout: 10_000,
    },
    onnotice: () => {},
    transform: { undefined: null },
  });
  // With tracing on, every statement is a span under its request's (see traced-sql.ts); off, the pool is untouched.
  const client = tracingEnabled() ? tracedSql(sql, opts.applicationName) : sql;
  const db = drizzle(client, { schema: opts.schema, logger: { logQuery: countStatement } });
  return { db, sql: client, close: () => sql.end({ timeout: 5 }) };
}

/** The database answers `select 1` within `ms`: readiness. A paused server or a full pool counts as not ready. */
export async function databaseReachable(sql: Sql, ms = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([sql`select 1`.then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Applies this subgraph's migrations under an advisory lock, so several replicas starting at once
 * migrate one after the other instead of racing on the same DDL. Each subgraph keeps its own
 * migrations table inside its own Postgres schema.
 */
export async function migrateSchema(url: string, pgSchema: string, migrationsFolder: string, quietTables: readonly string[] = []): Promise<void> {
  const lockClient = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await lockClient`select pg_advisory_lock(hashtext(${`storegraph:migrate:${pgSchema}`}))`;
    await migrate(drizzle(client), { migrationsFolder, migrationsSchema: pgSchema, migrationsTable: '__migrations' });
    await dropChangeTriggers(client, pgSchema, quietTables);
    await installChangeTriggers(client, pgSchema, quietTables);
  } finally {
    await lockClient`select pg_advisory_unlock(hashtext(${`storegraph:migrate:${pgSchema}`}))`.catch(() => {});
    await Promise.all([lockClient.end({ timeout: 5 }), client.end({ timeout: 5 })]);
  }
}
