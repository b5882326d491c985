import postgres, { type Sql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { countStatement } from './sql-counter.ts';
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
}

export function openDatabase<TSchema extends Record<string, unknown>>(opts: DatabaseOptions<TSchema>): Database<TSchema> {
  const sql = postgres(opts.url, {
    max: opts.poolSize,
    // postgres.js prepares each distinct statement once per connection (named prepared statements).
    prepare: true,
    idle_timeout: 30,
    connection: { application_name: opts.applicationName },
    onnotice: () => {},
    transform: { undefined: null },
  });
  const db = drizzle(sql, { schema: opts.schema, logger: { logQuery: countStatement } });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/**
 * Applies this subgraph's migrations under an advisory lock, so several replicas starting at once
 * migrate one after the other instead of racing on the same DDL. Each subgraph keeps its own
 * migrations table inside its own Postgres schema.
 */
export async function migrateSchema(url: string, pgSchema: string, migrationsFolder: string, quietTables: readonly string[] = []): Promise<void> {
  const lockClient = postgres(url, { max: 1, onnotice: () => {} });
  const client = postgres(url, { max: 1, onnotice: () => {} });
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
