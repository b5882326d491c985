import type { drizzle } from 'drizzle-orm/postgres-js';

export type SeedDb = ReturnType<typeof drizzle>;

const CHUNK = 1000;
/** Inserts in chunks: one statement per 1,000 rows keeps under PostgreSQL's 65,535 parameters. */
export async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}
