import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { sql } from 'drizzle-orm';
import { tables as productTables } from '@storegraph/products';
import { tables as stockTables } from '@storegraph/stock';
import { tables as priceTables } from '@storegraph/prices';
import { tables as orderTables } from '@storegraph/orders';
import { BRANDS, CATEGORIES, CHANNELS, CHANNEL_LOCATIONS, LOCATIONS, demoProducts, prng, type DemoProduct } from './demo-catalog.ts';

const CHUNK = 1000;
async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

type Db = ReturnType<typeof drizzle>;

async function seedProducts(db: Db, catalog: DemoProduct[]) {
  const t = productTables;
  await db.insert(t.salesChannels).values(CHANNELS.map((c) => ({ ...c, locales: [...c.locales] })));
  await db.insert(t.brands).values(BRANDS);
  await db.insert(t.categories).values(CATEGORIES);
  await insertChunked(catalog, (chunk) =>
    db.insert(t.products).values(chunk.map((p) => ({ id: p.id, slug: p.slug, status: 'ACTIVE' as const, brandId: p.brandId, name: p.name.en, description: p.description }))),
  );
  await insertChunked(
    catalog.flatMap((p) => [
      { productId: p.id, locale: 'de-DE', name: p.name.de, description: `${p.description} (DE)` },
      { productId: p.id, locale: 'fr-FR', name: p.name.fr, description: `${p.description} (FR)` },
    ]),
    (chunk) => db.insert(t.productTranslations).values(chunk),
  );
  await insertChunked(catalog.flatMap((p) => p.categoryIds.map((categoryId) => ({ productId: p.id, categoryId }))), (chunk) => db.insert(t.productCategories).values(chunk));
  await insertChunked(catalog.flatMap((p) => p.variants.map((v) => ({ ...v, productId: p.id }))), (chunk) => db.insert(t.variants).values(chunk));
  await insertChunked(
    catalog.flatMap((p, i) => p.channels.map((channel) => ({ channel, productId: p.id, visible: true, sortOrder: (i * 37) % 1000 }))),
    (chunk) => db.insert(t.channelProducts).values(chunk),
  );
  await insertChunked(
    catalog.map((p) => ({
      id: `med_${p.id.slice(4)}_1`,
      productId: p.id,
      url: `https://cdn.storegraph.example/products/${p.slug}/1.jpg`,
      position: 0,
      alt: { 'en-GB': p.name.en, 'en-US': p.name.en, 'de-DE': p.name.de, 'fr-FR': p.name.fr },
    })),
    (chunk) => db.insert(t.media).values(chunk),
  );
}

async function seedStock(db: Db, catalog: DemoProduct[]) {
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
        rows.push({ variantId: v.id, locationId, onHand: roll < 0.08 ? 0 : Math.floor(roll * 40), reserved: 0, safetyStock: locationId.includes('shop') ? 1 : 0 });
      }
    }
  }
  await insertChunked(rows, (chunk) => db.insert(t.levels).values(chunk));
  return rows;
}

/** Gross EUR list prices; the trade book is net of 19% German VAT; USD is a separate base book. */
async function seedPrices(db: Db, catalog: DemoProduct[]) {
  const t = priceTables;
  await db.insert(t.priceBooks).values([
    { id: 'bk_base_eur', name: 'Base EUR', level: 'BASE', currency: 'EUR' },
    { id: 'bk_base_usd', name: 'Base USD', level: 'BASE', currency: 'USD' },
    { id: 'bk_web_eu_sale', name: 'Web EU sale', level: 'CHANNEL', currency: 'EUR', channel: 'web-eu' },
    { id: 'bk_trade_eu', name: 'Trade EU net list', level: 'CHANNEL', currency: 'EUR', channel: 'trade-eu' },
    { id: 'bk_gold_eur', name: 'Loyalty gold EUR', level: 'GROUP', currency: 'EUR', customerGroup: 'loyalty-gold' },
    { id: 'bk_acme', name: 'Acme GmbH contract', level: 'COMPANY', currency: 'EUR', companyId: 'cmp_acme', channel: 'trade-eu' },
    { id: 'bk_globex', name: 'Globex Ltd contract', level: 'COMPANY', currency: 'EUR', companyId: 'cmp_globex', channel: 'trade-eu' },
  ]);
  const entries: (typeof t.priceEntries.$inferInsert)[] = [];
  catalog.forEach((p, i) => {
    const net = Math.round((p.basePrice * 100) / 119);
    for (const v of p.variants) {
      entries.push({ bookId: 'bk_base_eur', variantId: v.id, amount: p.basePrice });
      entries.push({ bookId: 'bk_base_usd', variantId: v.id, amount: Math.round((p.basePrice * 1.08) / 100) * 100 - 1 });
      entries.push({ bookId: 'bk_trade_eu', variantId: v.id, amount: net });
      if (i % 9 === 0) entries.push({ bookId: 'bk_web_eu_sale', variantId: v.id, amount: Math.round(p.basePrice * 0.8), compareAt: p.basePrice });
      if (p.categoryIds.includes('cat_jackets')) entries.push({ bookId: 'bk_gold_eur', variantId: v.id, amount: Math.round(p.basePrice * 0.9) });
      if (i % 5 !== 0) {
        entries.push({ bookId: 'bk_acme', variantId: v.id, amount: Math.round(net * 0.75) });
        entries.push({ bookId: 'bk_acme', variantId: v.id, amount: Math.round(net * 0.7), minQuantity: 10 });
      }
      entries.push({ bookId: 'bk_globex', variantId: v.id, amount: Math.round(net * 0.8) });
    }
  });
  await insertChunked(entries, (chunk) => db.insert(t.priceEntries).values(chunk));
}

async function seedOrders(db: Db, catalog: DemoProduct[]) {
  const t = orderTables;
  const pick = (i: number) => catalog[i]!;
  const demo = [
    { id: 'ord_1001', channel: 'web-eu', customerId: 'cus_anna', companyId: null, currency: 'EUR', lines: [[1, 1], [4, 2]], days: 40 },
    { id: 'ord_1002', channel: 'web-eu', customerId: 'cus_anna', companyId: null, currency: 'EUR', lines: [[12, 1]], days: 12 },
    { id: 'ord_1003', channel: 'pos-berlin', customerId: 'cus_anna', companyId: null, currency: 'EUR', lines: [[3, 1]], days: 3 },
    { id: 'ord_1004', channel: 'web-us', customerId: 'cus_ben', companyId: null, currency: 'USD', lines: [[2, 1]], days: 8 },
    { id: 'ord_2001', channel: 'trade-eu', customerId: 'cus_acme_buyer', companyId: 'cmp_acme', currency: 'EUR', lines: [[10, 20], [11, 50]], days: 20 },
    { id: 'ord_2002', channel: 'trade-eu', customerId: 'cus_acme_buyer', companyId: 'cmp_acme', currency: 'EUR', lines: [[21, 12]], days: 5 },
    { id: 'ord_3001', channel: 'trade-eu', customerId: 'cus_globex_buyer', companyId: 'cmp_globex', currency: 'EUR', lines: [[30, 100]], days: 9 },
  ];
  for (const [n, o] of demo.entries()) {
    const lines = o.lines.map(([idx, quantity], lineNo) => {
      const p = pick(idx!);
      const v = p.variants[0]!;
      const unit = o.currency === 'USD' ? Math.round((p.basePrice * 1.08) / 100) * 100 - 1 : p.basePrice;
      return { orderId: o.id, lineNo: lineNo + 1, variantId: v.id, sku: v.sku, quantity: quantity!, unitAmount: unit, lineTotal: unit * quantity! };
    });
    await db.insert(t.orders).values({
      id: o.id,
      number: `SG-${String(100001 + n)}`,
      channel: o.channel,
      customerId: o.customerId,
      companyId: o.companyId,
      status: 'CONFIRMED',
      currency: o.currency,
      total: lines.reduce((s, l) => s + l.lineTotal, 0),
      placedAt: new Date(Date.UTC(2026, 10, 20) - o.days * 86_400_000),
    });
    await db.insert(t.orderLines).values(lines);
  }
}

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
    if (done.length > 0) return { seeded: false };
    const catalog = demoProducts(opts.products ?? 240);
    await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      await seedProducts(txDb, catalog);
      await seedStock(txDb, catalog);
      await seedPrices(txDb, catalog);
      await seedOrders(txDb, catalog);
      await tx.execute(sql`insert into public.storegraph_seed (name) values ('demo')`);
    });
    return { seeded: true };
  } finally {
    await client.end({ timeout: 5 });
  }
}
