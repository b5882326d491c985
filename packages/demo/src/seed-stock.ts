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
  // Levels equal the sum of their movements, so the opening stock is booked as receipts.
  const receipts = rows
    .filter((r) => (r.onHand ?? 0) > 0)
    .map((r) => ({
      variantId: r.variantId,
      locationId: r.locationId,
      kind: 'RECEIPT' as const,
      deltaOnHand: r.onHand!,
      reason: 'opening stock',
      reference: 'demo-seed',
      actor: 'system:seed',
    }));
  await insertChunked(receipts, (chunk) => db.insert(t.movements).values(chunk));
  // The trade portal gets ring-fences when staff set them (DEDICATED); the other channels share the pool.
  await db.insert(t.channelAllocationPolicies).values([
    { channel: 'web-eu', mode: 'SHARED' },
    { channel: 'web-us', mode: 'SHARED' },
    { channel: 'pos-berlin', mode: 'SHARED' },
    { channel: 'trade-eu', mode: 'DEDICATED' },
  ]);
  // A few web-eu bestsellers take backorders of up to 10 units beyond stock.
  const backorderable = catalog.filter((p) => p.channels.includes('web-eu')).slice(0, 3);
  await db.insert(t.backorderPolicies).values(backorderable.map((p) => ({ channel: 'web-eu', variantId: p.variants[0]!.id, limit: 10 })));
  return rows;
}
