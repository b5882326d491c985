import type { Sql } from 'postgres';
import { CHANGE_CHANNEL } from './change-feed.ts';

/**
 * Gives every table of a subgraph's schema a statement-level trigger that notifies the schema's name on
 * insert, update, delete and truncate. Idempotent and run after the migrations under their advisory lock,
 * so a table added by any later migration is covered on the next start without anyone remembering to.
 * Caches are invalidated per subgraph, so the payload is only the schema: PostgreSQL folds identical
 * notifications of one transaction, so a reservation touching levels, movements and outbox sends one, and
 * so does a 10,000-row import.
 */
export async function installChangeTriggers(sql: Sql, pgSchema: string, quietTables: readonly string[] = []): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(pgSchema)) throw new Error(`unsafe schema name ${pgSchema}`);
  await sql.unsafe(`
    create or replace function "${pgSchema}".storegraph_notify_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('${CHANGE_CHANNEL}', tg_table_schema);
      return null;
    end $$`);
  const tables = await sql`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${pgSchema} and c.relkind in ('r', 'p') and c.relname <> '__migrations'
      and c.relname <> all(${quietTables as string[]})
      and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'storegraph_notify_change')`;
  for (const { name } of tables) {
    await sql.unsafe(
      `create trigger storegraph_notify_change after insert or update or delete or truncate on "${pgSchema}"."${name}"
       for each statement execute function "${pgSchema}".storegraph_notify_change()`,
    );
  }
}

/** Removes the notify triggers from tables whose changes are announced another way (see ChangeFeed.poll). */
export async function dropChangeTriggers(sql: Sql, pgSchema: string, tables: readonly string[]): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(pgSchema)) throw new Error(`unsafe schema name ${pgSchema}`);
  for (const name of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe table name ${name}`);
    await sql.unsafe(`drop trigger if exists storegraph_notify_change on "${pgSchema}"."${name}"`);
  }
}
