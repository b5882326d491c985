import { tables as stockTables } from '@storegraph/stock';
import { CHANNEL_LOCATIONS, LOCATIONS, prng, type DemoProduct } from './demo-catalog.ts';
import { insertChunked, type SeedDb } from './seed-util.ts';

export async function seedStock(db: SeedDb, catalog: DemoProduct[]) {
  const t = stockTables;
  const rand = prng(7);
  await db.insert(t.locations).values(LOCATIONS.map((l) => ({ ...l })));
  await db.insert(t.channelLocations).values(CHANNEL_LOCATIONS);
  const rows: (typeof t.levels.$inferInsert)[] = [];
  for (const p of catalog) {
    const locationIds = new Set(CHANNEL_LOCATIONS.filter((cl) => p.channels.includes(cl.channel)).map((cl) => cl.locationId));
    for (const v of p.variants) {
      for (const locationId of locationIds) {
        const roll = rand();
        rows.push({
          variantId: v.id,
          locationId,
          onHand: roll < 0.08 ? 0 : Math.floor(roll * 40),
          reserved: 0,
          safetyStock: locationId.includes('shop') ? 1 : 0,
        });
      }
    }
  }
  await insertChunked(rows, (chunk) => db.insert(t.levels).values(chunk));
  return rows;
}
