import { SUBGRAPHS } from '@storegraph/schema';

/**
 * `<NAME>_DB_POOL` for every subgraph, so that no subgraph (customers was missed once) keeps its default of 10.
 * The CI machine's PostgreSQL 15 allows 100 connections and the suite runs a second or third system beside the
 * shared one (the launcher, the process system, crash tests): with default pools a restarted service could not
 * connect ("too many clients") and the launcher test failed on the PG15 pass only (the embedded server allows 300).
 */
export function dbPools(size: number): Record<string, string> {
  return Object.fromEntries(SUBGRAPHS.map((s) => [`${s.name.toUpperCase()}_DB_POOL`, String(size)]));
}
