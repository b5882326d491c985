/**
 * Hot-path statements are built once per database handle and executed with placeholders, instead of
 * drizzle building the SQL text for every batch (10-14% of a subgraph's CPU in the bench profile) and
 * PostgreSQL parsing and planning it again. Key lists bind as one array (`= any($1::text[])`), so the text
 * does not change with the batch size. Only the statements are shared: the DataLoaders that run them stay
 * per request, since they carry the caller's context.
 */
export function perDatabase<TDb extends object, T>(build: (db: TDb) => T): (db: TDb) => T {
  const built = new WeakMap<TDb, T>();
  return (db) => {
    let statements = built.get(db);
    if (!statements) {
      statements = build(db);
      built.set(db, statements);
    }
    return statements;
  };
}
