export { observeDatabase } from './database-metrics.ts';
export { tracedSql } from './traced-sql.ts';
