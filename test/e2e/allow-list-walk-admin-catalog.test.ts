import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { randomEan, uid } from '../../subgraphs/products/test/catalog-admin.ts';
import { data, one } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';

/**
 * The admin BFF's catalogue operations, run by name by built-in staff (signed in with a password): a
 * catalogue admin on every channel builds a product of this file's own from nothing, edits it, sells it in
 * the EU staging channel and archives it. Staging channels only, so the live channels keep their numbers.
 */
const run = adminWalk('catalog');
const K = uid();
const ATTR = `walk_fabric_${K}`;
const P = { id: `prd_t_walkcat_${K}`, slug: `walk-cat-${K}`, sku: `WALK-CAT-${K}-M`.toUpperCase(), gtin: randomEan() };
const staff = { all: '', usOnly: '', pricing: '' };

beforeAll(async () => {
  const [all, usOnly, pricing] = await Promise.all([
    createStaff('walk-catalog', ['catalog-admin', 'viewer'], ['*']),
    createStaff('walk-catalog-us', ['catalog-admin', 'viewer'], ['sandbox-us']),
    createStaff('walk-catalog-pricing', ['pricing-admin'], ['*']),
  ]);
  staff.all = (await staffSession(all.email)).token;
  staff.usOnly = (await staffSession(usOnly.email)).token;
  staff.pricing = (await staffSession(pricing.email)).token;
});

const FABRIC = { code: ATTR, name: 'Walk fabric', type: 'ENUM', allowedValues: ['linen', 'wool'], filterable: true };
const wool = { code: ATTR, name: 'Walk fabric', type: 'ENUM', value: 'wool', numberValue: null, booleanValue: null };

// One walk, step after step: each step builds on what the one before it wrote (a product, a level, an
// order's status), so the steps keep their order under --sequence.shuffle; files still run in any order.
describe('the catalogue walk', { shuffle: false }, () => {
  describe('catalogue master data through the admin BFF', () => {
    it('defines an attribute and reads it back with AttributeDefinitions', async () => {
      const defined = data(await run('DefineAttribute', { input: FABRIC }, { token: staff.all })).defineAttribute;
      expect(defined).toEqual(FABRIC);
      const all = data(await run('AttributeDefinitions', {}, { token: staff.all })).attributeDefinitions;
      expect(all.filter((d: { code: string }) => d.code === ATTR)).toEqual([FABRIC]);
    });

    it('refuses product creation to a catalogue admin of one channel, and writes nothing', async () => {
      const id = `prd_t_walkcat_refused_${K}`;
      const res = await run('CreateProduct', { input: { id, slug: `refused-${K}`, name: 'Refused' } }, { token: staff.usOnly, channel: 'sandbox-us' });
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from products.products where id = ${id}`)).toEqual({ n: 0 });
    });

    it('creates, edits, translates and illustrates a product, one version at a time', async () => {
      const created = data(
        await run(
          'CreateProduct',
          {
            input: {
              id: P.id,
              slug: P.slug,
              name: 'Walk jacket',
              description: 'made by the admin walk',
              status: 'ACTIVE',
              brandId: 'brd_fjell',
              categoryIds: ['cat_jackets'],
              attributes: [{ code: ATTR, value: 'wool' }],
              variants: [{ sku: P.sku, gtin: P.gtin, options: [{ name: 'size', value: 'M' }] }],
            },
          },
          { token: staff.all },
        ),
      ).createProduct;
      expect(created).toMatchObject({
        id: P.id,
        slug: P.slug,
        status: 'ACTIVE',
        version: 1,
        name: 'Walk jacket',
        description: 'made by the admin walk',
        brand: { id: 'brd_fjell', slug: 'fjell', name: 'Fjell' },
        translations: [],
        attributes: [wool],
        channels: [],
      });
      expect(created.categories.map((c: { id: string }) => c.id)).toEqual(['cat_jackets']);
      expect(created.variants).toHaveLength(1);
      expect(created.variants[0]).toMatchObject({ sku: P.sku, gtin: P.gtin, options: [{ name: 'size', value: 'M' }], status: 'ACTIVE', version: 1 });

      const updated = data(
        await run('UpdateProduct', { id: P.id, expectedVersion: 1, input: { name: 'Walk jacket II', description: 'edited' } }, { token: staff.all }),
      ).updateProduct;
      expect(updated).toMatchObject({ id: P.id, version: 2, name: 'Walk jacket II', description: 'edited', slug: P.slug });

      const de = { locale: 'de-DE', name: 'Wanderjacke', description: 'vom Rundgang' };
      const translated = data(
        await run('SetProductTranslations', { id: P.id, expectedVersion: 2, translations: [de] }, { token: staff.all }),
      ).setProductTranslations;
      expect(translated).toMatchObject({ version: 3, translations: [de] });

      const media = [{ url: `https://cdn.example/walk-${K}.jpg`, alt: [{ key: 'de-DE', text: 'Die Jacke' }] }];
      const illustrated = data(await run('AddProductMedia', { id: P.id, expectedVersion: 3, media }, { token: staff.all })).addProductMedia;
      expect(illustrated).toMatchObject({ id: P.id, version: 4 });
      // AdminProduct has no media field: the picture is checked where it was written.
      expect(await one((sql) => sql<{ urls: string[] }[]>`select array_agg(url)::text[] as urls from products.media where product_id = ${P.id}`)).toEqual({
        urls: [media[0]!.url],
      });

      const read = data(await run('AdminProduct', { id: P.id }, { token: staff.all })).adminProduct;
      expect(read).toMatchObject({ id: P.id, version: 4, name: 'Walk jacket II', translations: [de] });
    });

    it('adds, edits and archives a variant, and upserts one in bulk', async () => {
      const sku = `WALK-CAT-${K}-L`.toUpperCase();
      const gtin = randomEan();
      const added = data(
        await run('CreateVariant', { productId: P.id, input: { sku, gtin, options: [{ name: 'size', value: 'L' }], position: 1 } }, { token: staff.all }),
      ).createVariant;
      expect(added).toMatchObject({ sku, gtin, position: 1, status: 'ACTIVE', version: 1, options: [{ name: 'size', value: 'L' }] });
      const newGtin = randomEan();
      const edited = data(await run('UpdateVariant', { id: added.id, expectedVersion: 1, input: { gtin: newGtin } }, { token: staff.all })).updateVariant;
      expect(edited).toMatchObject({ id: added.id, sku, gtin: newGtin, version: 2 });
      const archived = data(await run('ArchiveVariant', { id: added.id, expectedVersion: 2 }, { token: staff.all })).archiveVariant;
      expect(archived).toMatchObject({ id: added.id, status: 'ARCHIVED', version: 3 });

      const bulkSku = `WALK-CAT-${K}-XL`.toUpperCase();
      const job = data(
        await run(
          'BulkUpsertVariants',
          {
            input: {
              mode: 'ALL_OR_NOTHING',
              rows: [{ sku: bulkSku, productId: P.id, gtin: randomEan(), position: 2, options: [{ name: 'size', value: 'XL' }] }],
            },
          },
          { token: staff.all },
        ),
      ).bulkUpsertVariants;
      expect(job).toMatchObject({ mode: 'ALL_OR_NOTHING', total: 1 });
      let done = job;
      for (let i = 0; i < 100 && done.status !== 'SUCCEEDED' && done.status !== 'FAILED'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        done = data(await run('BulkJob', { id: job.id }, { token: staff.all })).bulkJob;
      }
      expect(done).toEqual({ id: job.id, mode: 'ALL_OR_NOTHING', status: 'SUCCEEDED', total: 1, processed: 1, written: 1, failed: 0, errors: [] });
      const product = data(await run('AdminProduct', { id: P.id }, { token: staff.all })).adminProduct;
      expect(product.variants.map((v: any) => [v.sku, v.status])).toEqual([
        [P.sku, 'ACTIVE'],
        [sku, 'ARCHIVED'],
        [bulkSku, 'ACTIVE'],
      ]);
    });
  });

  describe('selling the product in a staging channel', () => {
    it('assigns it with SetChannelProduct and finds it by SKU and barcode at its price there', async () => {
      const assigned = data(
        await run(
          'SetChannelProduct',
          { channel: 'sandbox-eu', productId: P.id, input: { assigned: true, nameOverride: 'Walk jacket EU', sortOrder: 5 } },
          {
            token: staff.all,
          },
        ),
      ).setChannelProduct;
      expect(assigned).toEqual({
        channel: 'sandbox-eu',
        productId: P.id,
        assigned: true,
        byRule: false,
        visible: true,
        nameOverride: 'Walk jacket EU',
        descriptionOverride: null,
        sortOrder: 5,
      });
      // Priced by a pricing admin through the same BFF (the prices walk runs ImportPriceEntries itself): 59.50 EUR gross.
      const variantId = data(await run('AdminProduct', { id: P.id }, { token: staff.all })).adminProduct.variants[0].id;
      data(await bff('admin', 'ImportPriceEntries', { bookId: 'bk_base_eur', entries: [{ variantId, amount: 5950 }] }, { token: staff.pricing }));

      // Two units in a tax-inclusive EUR channel from the EUR base book: 2 x 59.50 = 119.00, nothing converted.
      const price = { unit: { amount: 5950, currency: 'EUR' }, total: { amount: 11900, currency: 'EUR' }, taxIncluded: true, level: 'BASE' };
      const bySku = data(await run('VariantBySku', { sku: P.sku, quantity: 2 }, { token: staff.all, channel: 'sandbox-eu' })).variantBySku;
      expect(bySku).toMatchObject({ id: variantId, sku: P.sku, gtin: P.gtin, product: { id: P.id, slug: P.slug, status: 'ACTIVE' } });
      expect(bySku.price).toMatchObject({ __typename: 'VariantPrice', ...price, bookId: 'bk_base_eur', converted: false });
      const byBarcode = data(await run('VariantByBarcode', { gtin: P.gtin, quantity: 2 }, { token: staff.all, channel: 'sandbox-eu' })).variantByBarcode;
      expect(byBarcode).toEqual(bySku);
    });

    it('adds a channel rule on the US staging channel that takes in the product by its attribute, and removes it', async () => {
      const rule = data(
        await run(
          'AddChannelRule',
          { channel: 'sandbox-us', input: { effect: 'INCLUDE', kind: 'ATTRIBUTE', attributeCode: ATTR, attributeValue: 'wool' } },
          {
            token: staff.usOnly,
            channel: 'sandbox-us',
          },
        ),
      ).addChannelRule;
      expect(rule).toMatchObject({
        channel: 'sandbox-us',
        effect: 'INCLUDE',
        kind: 'ATTRIBUTE',
        attributeCode: ATTR,
        attributeValue: 'wool',
        categoryId: null,
      });
      const ruled = data(await run('AdminProduct', { id: P.id }, { token: staff.all })).adminProduct;
      expect(ruled.channels.find((c: { channel: string }) => c.channel === 'sandbox-us')).toMatchObject({ assigned: false, byRule: true });
      expect(data(await run('RemoveChannelRule', { id: rule.id }, { token: staff.usOnly, channel: 'sandbox-us' })).removeChannelRule).toBe(true);
      const after = data(await run('AdminProduct', { id: P.id }, { token: staff.all })).adminProduct;
      // The rule gone, the product is in sandbox-us neither by rule nor by hand.
      expect(after.channels.map((c: any) => [c.channel, c.assigned, c.byRule])).toEqual([
        ['sandbox-eu', true, false],
        ['sandbox-us', false, false],
      ]);
    });

    it('archives the product', async () => {
      const current = data(await run('AdminProduct', { id: P.id }, { token: staff.all })).adminProduct;
      const archived = data(await run('ArchiveProduct', { id: P.id, expectedVersion: current.version }, { token: staff.all })).archiveProduct;
      expect(archived).toMatchObject({ id: P.id, status: 'ARCHIVED', version: current.version + 1 });
    });
  });

  describe('channels and publishable keys', () => {
    it('reads a channel with its locations', async () => {
      const channel = data(await run('SalesChannel', { code: 'pos-berlin' }, { token: staff.all })).salesChannel;
      expect(channel).toEqual({
        code: 'pos-berlin',
        kind: 'POS',
        name: 'Berlin flagship tills',
        currency: 'EUR',
        defaultLocale: 'de-DE',
        locales: ['de-DE', 'en-GB'],
        country: 'DE',
        taxMode: 'INCLUSIVE',
        locations: [{ id: 'loc_berlin_shop', name: 'Berlin flagship', kind: 'SHOP' }],
      });
    });

    it('issues a key for the US staging channel, lists it, and revokes it', async () => {
      const auth = { token: staff.usOnly, channel: 'sandbox-us' };
      const issued = data(await run('IssuePublishableKey', { channel: 'sandbox-us' }, auth)).issuePublishableKey;
      expect(issued).toMatchObject({ channel: { code: 'sandbox-us', name: 'Sandbox US (staging)', kind: 'B2C' }, revokedAt: null });
      const listed = data(await run('PublishableKeys', { channel: 'sandbox-us' }, auth)).publishableKeys;
      expect(listed.filter((k: { token: string }) => k.token === issued.token)).toEqual([issued]);
      const revoked = data(await run('RevokePublishableKey', { token: issued.token }, auth)).revokePublishableKey;
      expect(revoked).toMatchObject({ token: issued.token, createdAt: issued.createdAt });
      expect(typeof revoked.revokedAt).toBe('string');
      // Someone whose channels do not include it cannot issue one.
      const refused = await run('IssuePublishableKey', { channel: 'sandbox-eu' }, auth);
      expect(codes(refused)).toEqual(['FORBIDDEN']);
    });
  });
});
