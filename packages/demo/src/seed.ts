import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { sql } from 'drizzle-orm';
import { demoProducts } from './demo-catalog.ts';
import type { SeedDb } from './seed-util.ts';
import { seedProducts } from './seed-products.ts';
import { seedStock } from './seed-stock.ts';
import { seedPrices } from './seed-prices.ts';
import { seedShipping } from './seed-shipping.ts';
import { seedOrders } from './seed-orders.ts';
import { seedOrderHistory } from './seed-order-history.ts';
import { seedCustomers } from './seed-customers.ts';
import { seedPublishableKeys } from './demo-publishable-keys.ts';

/**
 * Seeds the demo brand once: a marker row per database makes a second start reuse the data. Runs after
 * every subgraph has applied its migrations.
 */
export async function seedDemoData(databaseUrl: string, opts: { products?: number } = {}): Promise<{ seeded: boolean }> {
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const db = drizzle(client);
  try {
    await db.execute(sql`create table if not exists public.storegraph_seed (name text primary key, at timestamptz not null default now())`);
    const done = await db.execute(sql`select 1 from public.storegraph_seed where name = 'demo'`);
    if (done.length > 0) {
      await seedPublishableKeys(db);
      return { seeded: false };
    }
    const catalog = demoProducts(opts.products ?? 240);
    await db.transaction(async (tx) => {
      const txDb = tx as unknown as SeedDb;
      await seedProducts(txDb, catalog);
      await seedStock(txDb, catalog);
      await seedPrices(txDb, catalog);
      await seedShipping(txDb);
      await seedOrders(txDb, catalog);
      await seedOrderHistory(txDb, catalog);
      await seedCustomers(txDb);
      await seedPublishableKeys(txDb);
      await tx.execute(sql`insert into public.storegraph_seed (name) values ('demo')`);
    });
    // Fresh tables have no planner statistics until autovacuum gets to them; without them the listing
    // planned a 5,000-row join and sort (65 ms) instead of walking the channel's index (1 ms).
    await db.execute(sql`analyze`);
    return { seeded: true };
  } finally {
    await client.end({ timeout: 5 });
  }
}
