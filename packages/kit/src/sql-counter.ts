import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts SQL statements per request. The drizzle logger runs synchronously in the resolver's async
 * context, so an AsyncLocalStorage store opened per request sees every statement that request issues.
 * Exposed as `extensions.sqlStatements` when STOREGRAPH_EXPOSE_SQL_COUNT is on (tests, benchmarks).
 */
export interface SqlCounter {
  statements: number;
}
export const sqlCounterStore = new AsyncLocalStorage<SqlCounter>();

export function countStatement(): void {
  const counter = sqlCounterStore.getStore();
  if (counter) counter.statements += 1;
}
