import { tables as productTables } from '@storegraph/products';
import { ATTRIBUTES, BRANDS, CATEGORIES, CHANNELS, type DemoProduct } from './demo-catalog.ts';
import { insertChunked, type SeedDb } from './seed-util.ts';

export async function seedProducts(db: SeedDb, catalog: DemoProduct[]) {
  const t = productTables;
  await db.insert(t.salesChannels).values(CHANNELS.map((c) => ({ ...c, locales: [...c.locales] })));
  await db.insert(t.brands).values(BRANDS);
  await db.insert(t.categories).values(CATEGORIES);
  await insertChunked(catalog, (chunk) =>
    db
      .insert(t.products)
      .values(chunk.map((p) => ({ id: p.id, slug: p.slug, status: 'ACTIVE' as const, brandId: p.brandId, name: p.name.en, description: p.description }))),
  );
  await insertChunked(
    catalog.flatMap((p) => [
      { productId: p.id, locale: 'de-DE', name: p.name.de, description: `${p.description} (DE)` },
      { productId: p.id, locale: 'fr-FR', name: p.name.fr, description: `${p.description} (FR)` },
    ]),
    (chunk) => db.insert(t.productTranslations).values(chunk),
  );
  await insertChunked(
    catalog.flatMap((p) => p.categoryIds.map((categoryId) => ({ productId: p.id, categoryId }))),
    (chunk) => db.insert(t.productCategories).values(chunk),
  );
  await insertChunked(
    catalog.flatMap((p) => p.variants.map((v) => ({ ...v, productId: p.id }))),
    (chunk) => db.insert(t.variants).values(chunk),
  );
  await insertChunked(
    catalog.flatMap((p, i) => p.channels.map((channel) => ({ channel, productId: p.id, assigned: true, visible: true, sortOrder: (i * 37) % 1000 }))),
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
  await db.insert(t.attributeDefinitions).values(ATTRIBUTES.map((a) => ({ ...a, allowedValues: [...a.allowedValues] })));
  await insertChunked(
    catalog.flatMap((p) =>
      Object.entries(p.attributes).map(([attributeCode, value]) => ({
        productId: p.id,
        attributeCode,
        value,
        numberValue: attributeCode === 'weight_g' ? Number(value) : null,
      })),
    ),
    (chunk) => db.insert(t.attributeValues).values(chunk),
  );
}
