import { tables as priceTables } from '@storegraph/prices';
import type { SeedDb } from './seed-util.ts';

type Method = typeof priceTables.shippingMethods.$inferInsert;
type Terms = Omit<Method, 'channel' | 'code' | 'name'>;

/**
 * Shipping methods of the demo channels, named in each channel's default language. Amounts are in the
 * channel's tax basis: gross in web-eu and pos-berlin (4.90 EUR includes German VAT), net in trade-eu and
 * web-us (US sales tax and trade VAT are added on top).
 */
export async function seedShipping(db: SeedDb) {
  const standardEur: Terms = { kind: 'FREE_ABOVE', currency: 'EUR', amount: 490, freeFrom: 5000, countries: ['AT', 'DE', 'FR'], position: 0 };
  const expressEur: Terms = { kind: 'FLAT', currency: 'EUR', amount: 1290, countries: ['DE'], position: 1 };
  const pickup: Terms = { kind: 'PICKUP', currency: 'EUR', amount: 0, countries: ['DE'], position: 2 };
  const methods: Method[] = [
    { channel: 'web-eu', code: 'standard', name: 'Standardversand', ...standardEur },
    { channel: 'web-eu', code: 'express', name: 'Expressversand', ...expressEur },
    { channel: 'web-eu', code: 'pickup', name: 'Abholung im Geschäft', ...pickup },
    { channel: 'web-us', code: 'standard', name: 'Standard shipping', kind: 'FREE_ABOVE', currency: 'USD', amount: 799, freeFrom: 7500, countries: ['US'] },
    { channel: 'web-us', code: 'express', name: 'Express shipping', kind: 'FLAT', currency: 'USD', amount: 1999, countries: ['US'], position: 1 },
    { channel: 'trade-eu', code: 'standard', name: 'Standard delivery', ...standardEur },
    { channel: 'trade-eu', code: 'express', name: 'Express delivery', ...expressEur },
    // Bulk packs weigh kilos: parcels by weight, up to the 31.5 kg a parcel carrier takes.
    {
      channel: 'trade-eu',
      code: 'freight',
      name: 'Freight by weight',
      kind: 'WEIGHT_BANDS',
      currency: 'EUR',
      weightBands: [
        { upToGrams: 2_000, amount: 990 },
        { upToGrams: 10_000, amount: 1990 },
        { upToGrams: 31_500, amount: 3990 },
      ],
      countries: ['AT', 'DE', 'FR'],
      position: 2,
    },
    { channel: 'pos-berlin', code: 'standard', name: 'Standardversand', ...standardEur },
    { channel: 'pos-berlin', code: 'express', name: 'Expressversand', ...expressEur },
    { channel: 'pos-berlin', code: 'pickup', name: 'Abholung in der Filiale', ...pickup },
  ];
  await db.insert(priceTables.shippingMethods).values(methods);
}
