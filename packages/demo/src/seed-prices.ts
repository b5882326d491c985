import { tables as priceTables } from '@storegraph/prices';
import type { DemoProduct } from './demo-catalog.ts';
import { insertChunked, type SeedDb } from './seed-util.ts';

/** Gross EUR list prices; the trade book is net of 19% German VAT; USD is a separate base book. */
export async function seedPrices(db: SeedDb, catalog: DemoProduct[]) {
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
