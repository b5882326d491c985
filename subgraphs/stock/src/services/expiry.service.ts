import { sql } from 'drizzle-orm';
import type { StockDb } from '../context.ts';

const BATCH = 500;

/**
 * Expires every overdue reservation, in batches of 500 (one short transaction each). Safe to run on
 * every replica at once: `stock.expire_reservations` takes rows with FOR UPDATE SKIP LOCKED and changes
 * their status in the same transaction as the levels, so each reservation's units return exactly once.
 * Returns how many reservations this call expired.
 */
export async function expireOverdueReservations(database: StockDb, batch = BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = (await database.db.execute(sql`select stock.expire_reservations(${batch}::int) as n`)) as unknown as { n: number }[];
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < batch) return total;
  }
}
