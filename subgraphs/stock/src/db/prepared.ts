import type { StockDb } from '../context.ts';

type Drizzle = StockDb['db'];

/**
 * Hot-path statements are built once per database handle and executed with placeholders: drizzle no longer
 * builds the SQL text for every batch, and a named statement skips PostgreSQL's parse (and, once its plan is
 * cached, its planning). Key lists bind as one array (`= any($1::text[])`), so the text does not change with
 * the batch size. Only the statements are shared; the DataLoaders that run them stay per request.
 */
export function perDatabase<T>(build: (db: Drizzle) => T): (db: Drizzle) => T {
  const built = new WeakMap<Drizzle, T>();
  return (db) => {
    let statements = built.get(db);
    if (!statements) {
      statements = build(db);
      built.set(db, statements);
    }
    return statements;
  };
}
