import { describe, expect, it } from 'vitest';
import { sqlClient } from '../support/clients.ts';
import { asStaff, createTestProduct, gateway, ok, randomEan, uid } from '../../subgraphs/products/test/catalog-admin.ts';
import { withContentionSampler } from './stock-support.ts';

/**
 * Catalog writes that succeed, read back the way a storefront reads them (sandbox-eu, a staging channel, so
 * the live channels keep their demo counts), and a rule change racing product edits. Staff sign a context at
 * the gateway: there is no admin BFF yet (test/README.md).
 */

const CREATE_VARIANT = `mutation($p: ID!, $input: VariantInput!) { createVariant(productId: $p, input: $input) {
  id sku gtin options { name value } position status version } }`;
const UPDATE_VARIANT = `mutation($id: ID!, $v: Int!, $input: UpdateVariantInput!) { updateVariant(id: $id, expectedVersion: $v, input: $input) {
  __typename ... on AdminVariant { id sku gtin options { name value } position status version }
  ... on VersionConflict { id expectedVersion currentVersion } } }`;
const TRANSLATE = `mutation($id: ID!, $v: Int!, $t: [TranslationInput!]!) { setProductTranslations(id: $id, expectedVersion: $v, translations: $t) {
  ... on AdminProduct { version translations { locale name description } } } }`;
const SHOP_PRODUCT = `query($id: ID!) { product(id: $id) { id name description variants { id sku gtin options { name value } } } }`;
const BY_CODES = `query($sku: String!, $gtin: String!) { variantBySku(sku: $sku) { id } variantByBarcode(gtin: $gtin) { id } }`;

describe('variants', () => {
  it('creates a variant that the storefront then shows, by SKU and by barcode', async () => {
    const p = await createTestProduct({ channels: ['sandbox-eu'] });
    const sku = `T-NEW-${uid()}`.toUpperCase();
    const gtin = randomEan();
    const created = ok(await asStaff(CREATE_VARIANT, { p: p.id, input: { sku, gtin, options: [{ name: 'size', value: 'L' }], position: 1 } })).createVariant;
    expect(created).toEqual({
      id: expect.any(String),
      sku,
      gtin,
      options: [{ name: 'size', value: 'L' }],
      position: 1,
      status: 'ACTIVE',
      version: 1,
    });
    const shown = ok(await gateway(SHOP_PRODUCT, { id: p.id }, 'sandbox-eu')).product;
    expect(shown.variants.map((v: { id: string; sku: string }) => [v.id, v.sku])).toEqual([
      [p.variants[0].id, p.variants[0].sku],
      [created.id, sku],
    ]);
    expect(ok(await gateway(BY_CODES, { sku, gtin }, 'sandbox-eu'))).toEqual({ variantBySku: { id: created.id }, variantByBarcode: { id: created.id } });
  });

  it('updates a variant’s barcode and options: the new barcode finds it, the old one nothing, a stale version is refused', async () => {
    const p = await createTestProduct({ channels: ['sandbox-eu'] });
    const v = p.variants[0];
    const gtin = randomEan();
    const updated = ok(await asStaff(UPDATE_VARIANT, { id: v.id, v: 1, input: { gtin, options: [{ name: 'size', value: 'XL' }] } })).updateVariant;
    expect(updated).toMatchObject({
      __typename: 'AdminVariant',
      id: v.id,
      sku: v.sku,
      gtin,
      options: [{ name: 'size', value: 'XL' }],
      status: 'ACTIVE',
      version: 2,
    });
    expect(ok(await gateway(BY_CODES, { sku: v.sku, gtin }, 'sandbox-eu'))).toEqual({ variantBySku: { id: v.id }, variantByBarcode: { id: v.id } });
    expect(ok(await gateway(BY_CODES, { sku: v.sku, gtin: v.gtin }, 'sandbox-eu')).variantByBarcode).toBeNull();
    const shown = ok(await gateway(SHOP_PRODUCT, { id: p.id }, 'sandbox-eu')).product;
    expect(shown.variants).toEqual([{ id: v.id, sku: v.sku, gtin, options: [{ name: 'size', value: 'XL' }] }]);
    const stale = ok(await asStaff(UPDATE_VARIANT, { id: v.id, v: 1, input: { options: [{ name: 'size', value: 'S' }] } })).updateVariant;
    expect(stale).toEqual({ __typename: 'VersionConflict', id: v.id, expectedVersion: 1, currentVersion: 2 });
    // Nothing written: the product page still shows size XL.
    expect(ok(await gateway(SHOP_PRODUCT, { id: p.id }, 'sandbox-eu')).product.variants[0].options).toEqual([{ name: 'size', value: 'XL' }]);
  });
});

describe('translations', () => {
  it('reads each locale’s name and description back, and the catalogue default for a locale without one', async () => {
    const name = `Translated ${uid()}`;
    const p = await createTestProduct({ channels: ['sandbox-eu'], name });
    const set = ok(
      await asStaff(TRANSLATE, {
        id: p.id,
        v: 1,
        t: [
          { locale: 'de-DE', name: 'Übersetzte Jacke', description: 'für den Test' },
          { locale: 'fr-FR', name: 'Veste traduite', description: 'pour le test' },
        ],
      }),
    ).setProductTranslations;
    expect(set.version).toBe(2);
    const read = async (locale: string) => ok(await gateway(SHOP_PRODUCT, { id: p.id }, 'sandbox-eu', { locale: locale as never })).product;
    expect(await read('de-DE')).toMatchObject({ name: 'Übersetzte Jacke', description: 'für den Test' });
    expect(await read('fr-FR')).toMatchObject({ name: 'Veste traduite', description: 'pour le test' });
    expect(await read('en-GB')).toMatchObject({ name, description: 'made for a test' });
  });
});

describe('a rule change racing product edits', () => {
  it('leaves exactly the products that match the rule in the channel, whichever committed first', async () => {
    // A fresh attribute: the rule matches this test's products only, so no other file's counts move. Hats,
    // not the default jackets: catalog-visibility briefly excludes all apparel from sandbox-eu.
    const attr = `race_${uid()}`;
    ok(
      await asStaff(`mutation($input: AttributeDefinitionInput!) { defineAttribute(input: $input) { code } }`, {
        input: { code: attr, name: 'Race', type: 'ENUM', allowedValues: ['in', 'out'] },
      }),
    );
    const products = await Promise.all(
      Array.from({ length: 12 }, () => createTestProduct({ categoryIds: ['cat_hats'], attributes: [{ code: attr, value: 'out' }] })),
    );
    const edit = (id: string, version: number, value: string) =>
      asStaff(
        `mutation($id: ID!, $v: Int!, $a: [AttributeValueInput!]) { updateProduct(id: $id, expectedVersion: $v, input: { attributes: $a }) { __typename } }`,
        {
          id,
          v: version,
          a: [{ code: attr, value }],
        },
      );
    const RULE = `mutation($input: ChannelRuleInput!) { addChannelRule(channel: "sandbox-eu", input: $input) { id } }`;
    let ruleId: string | undefined;
    try {
      // Round 1: the INCLUDE rule lands while the first 8 products are edited into it.
      const { result: first, maxBusy } = await withContentionSampler(
        () =>
          Promise.all([
            asStaff(RULE, { input: { effect: 'INCLUDE', kind: 'ATTRIBUTE', attributeCode: attr, attributeValue: 'in' } }),
            ...products.slice(0, 8).map((p) => edit(p.id, 1, 'in')),
          ]),
        'storegraph-products',
      );
      for (const r of first) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      // Each edit named the version it read: none lost a race (a VersionConflict would be data, not an error).
      expect(first.slice(1).map((r) => r.data.updateProduct.__typename)).toEqual(Array(8).fill('AdminProduct'));
      ruleId = first[0]!.data.addChannelRule.id;
      // Round 2: 4 of them edited out again while the other 4 products are edited in.
      const second = await Promise.all([...products.slice(0, 4).map((p) => edit(p.id, 2, 'out')), ...products.slice(8).map((p) => edit(p.id, 1, 'in'))]);
      for (const r of second) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      expect(second.map((r) => r.data.updateProduct.__typename)).toEqual(Array(8).fill('AdminProduct'));
      console.log(`[rule race] at most ${maxBusy} products backends busy at once`);
      expect(maxBusy).toBeGreaterThan(1);

      const expected = [...products.slice(4, 8), ...products.slice(8)].map((p) => p.id).sort();
      const sql = sqlClient();
      try {
        const rows = await sql<{ product_id: string }[]>`select product_id from products.channel_products
          where channel = 'sandbox-eu' and by_rule and product_id in ${sql(products.map((p) => p.id))} order by product_id`;
        expect(rows.map((r) => r.product_id)).toEqual(expected);
      } finally {
        await sql.end();
      }
      const shown = await Promise.all(
        products.map(async (p) => ok(await gateway(`query($id: ID!) { product(id: $id) { id } }`, { id: p.id }, 'sandbox-eu')).product?.id),
      );
      expect(shown.filter(Boolean).sort()).toEqual(expected);
    } finally {
      if (ruleId) ok(await asStaff(`mutation($id: ID!) { removeChannelRule(id: $id) }`, { id: ruleId }));
    }
  });
});
