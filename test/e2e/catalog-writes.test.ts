import { describe, expect, it } from 'vitest';
import { sqlClient } from '../support/clients.ts';
import { CREATE_PRODUCT, SET_CHANNEL, asStaff, createTestProduct, gateway, ok, uid } from '../../subgraphs/products/test/catalog-admin.ts';

const CONFLICT_FIELDS = '... on VersionConflict { id expectedVersion currentVersion }';
const UPDATE = `mutation($id: ID!, $v: Int!, $input: UpdateProductInput!) { updateProduct(id: $id, expectedVersion: $v, input: $input) {
  __typename ... on AdminProduct { version name } ${CONFLICT_FIELDS} } }`;
const TRANSLATE = `mutation($id: ID!, $v: Int!, $t: [TranslationInput!]!) { setProductTranslations(id: $id, expectedVersion: $v, translations: $t) {
  __typename ... on AdminProduct { version translations { locale name } } ${CONFLICT_FIELDS} } }`;
const ADMIN = `query($id: ID!) { adminProduct(id: $id) { version name description translations { locale name } variants { sku } } }`;
const code = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;
const reason = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.reason;

describe('optimistic concurrency', () => {
  it('lets exactly one of five concurrent edits of the same version win; the others get VersionConflict and nothing is lost silently', async () => {
    const p = await createTestProduct();
    const names = Array.from({ length: 5 }, (_, i) => `Edit ${i} ${uid()}`);
    const results = (await Promise.all(names.map((name) => asStaff(UPDATE, { id: p.id, v: 1, input: { name } })))).map((r) => ok(r).updateProduct);
    const winners = results.filter((r) => r.__typename === 'AdminProduct');
    const losers = results.filter((r) => r.__typename === 'VersionConflict');
    expect(winners).toHaveLength(1);
    expect(losers).toEqual(Array(4).fill({ __typename: 'VersionConflict', id: p.id, expectedVersion: 1, currentVersion: 2 }));
    const stored = ok(await asStaff(ADMIN, { id: p.id })).adminProduct;
    expect(stored).toMatchObject({ version: 2, name: winners[0]!.name });
  });

  it('refuses a stale version after a successful edit, and a translation edit counts as an edit', async () => {
    const p = await createTestProduct();
    const conflict = (expectedVersion: number, currentVersion: number) => ({ __typename: 'VersionConflict', id: p.id, expectedVersion, currentVersion });
    expect(ok(await asStaff(UPDATE, { id: p.id, v: 1, input: { description: 'first' } })).updateProduct.version).toBe(2);
    expect(ok(await asStaff(UPDATE, { id: p.id, v: 1, input: { description: 'stale' } })).updateProduct).toEqual(conflict(1, 2));
    expect(ok(await asStaff(TRANSLATE, { id: p.id, v: 1, t: [{ locale: 'de-DE', name: 'stale' }] })).setProductTranslations).toEqual(conflict(1, 2));
    expect(ok(await asStaff(TRANSLATE, { id: p.id, v: 2, t: [{ locale: 'de-DE', name: 'Testprodukt' }] })).setProductTranslations.version).toBe(3);
    expect(ok(await asStaff(UPDATE, { id: p.id, v: 2, input: { name: 'stale again' } })).updateProduct).toEqual(conflict(2, 3));
    // Nothing of the refused edits was written: the description is the first one, the translation the second.
    expect(ok(await asStaff(ADMIN, { id: p.id })).adminProduct).toMatchObject({
      version: 3,
      description: 'first',
      translations: [{ locale: 'de-DE', name: 'Testprodukt' }],
    });
    expect(ok(await asStaff(UPDATE, { id: p.id, v: 3, input: { name: 'fresh' } })).updateProduct.version).toBe(4);
  });
});

describe('bad input gets a stable code and writes nothing', () => {
  it('rejects a translation in a locale no channel uses (UNKNOWN_LOCALE) and keeps the product as it was', async () => {
    const p = await createTestProduct();
    const res = await asStaff(TRANSLATE, {
      id: p.id,
      v: 1,
      t: [
        { locale: 'fr-FR', name: 'Produit' },
        { locale: 'xx-XX', name: 'Nonsense' },
      ],
    });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(reason(res)).toBe('UNKNOWN_LOCALE');
    expect(res.errors![0]!.extensions!.locales).toEqual(['xx-XX']);
    expect(ok(await asStaff(ADMIN, { id: p.id })).adminProduct).toMatchObject({ version: 1, translations: [] });
  });

  it('rejects a duplicate SKU with CONFLICT / DUPLICATE_SKU, for a new variant and for a new product (which is then not created)', async () => {
    const p = await createTestProduct();
    const taken = p.variants[0].sku;
    const variant = await asStaff(`mutation($p: ID!, $sku: String!) { createVariant(productId: $p, input: { sku: $sku }) { id } }`, { p: p.id, sku: taken });
    expect(code(variant)).toBe('CONFLICT');
    expect(reason(variant)).toBe('DUPLICATE_SKU');
    const id = `prd_t_${uid()}`;
    const product = await asStaff(CREATE_PRODUCT, { input: { id, slug: `dup-${uid()}`, name: 'Dup', variants: [{ sku: taken }] } });
    expect(reason(product)).toBe('DUPLICATE_SKU');
    const sql = sqlClient();
    try {
      expect(await sql`select id from products.products where id = ${id}`).toHaveLength(0);
    } finally {
      await sql.end();
    }
  });

  it('rejects a barcode with a wrong check digit (INVALID_GTIN) and an unknown attribute value (INVALID_ATTRIBUTE_VALUE)', async () => {
    const p = await createTestProduct();
    const gtin = await asStaff(`mutation($p: ID!) { createVariant(productId: $p, input: { sku: "X-${uid()}", gtin: "4006381333932" }) { id } }`, { p: p.id });
    expect(reason(gtin)).toBe('INVALID_GTIN');
    const attr = await asStaff(UPDATE, { id: p.id, v: 1, input: { attributes: [{ code: 'material', value: 'unobtainium' }] } });
    expect(reason(attr)).toBe('INVALID_ATTRIBUTE_VALUE');
    expect(ok(await asStaff(ADMIN, { id: p.id })).adminProduct.version).toBe(1);
  });
});

describe('staff scoped to channels', () => {
  it('lets a web-us catalog admin change web-us overrides but not web-eu ones (FORBIDDEN), nor master data', async () => {
    const p = await createTestProduct({ channels: ['sandbox-eu', 'sandbox-us'] });
    const us = await asStaff(SET_CHANNEL, { channel: 'sandbox-us', productId: p.id, input: { nameOverride: 'US name' } }, ['sandbox-us'], 'sandbox-us');
    expect(us.errors).toBeUndefined();
    const eu = await asStaff(SET_CHANNEL, { channel: 'sandbox-eu', productId: p.id, input: { nameOverride: 'hijack' } }, ['sandbox-us'], 'sandbox-us');
    expect(code(eu)).toBe('FORBIDDEN');
    const master = await asStaff(UPDATE, { id: p.id, v: 1, input: { name: 'hijack' } }, ['sandbox-us'], 'sandbox-us');
    expect(code(master)).toBe('FORBIDDEN');
    const rule = await asStaff(`mutation { addChannelRule(channel: "sandbox-eu", input: { effect: EXCLUDE, kind: BRAND, brandId: "brd_fjell" }) { id } }`, {}, [
      'sandbox-us',
    ]);
    expect(code(rule)).toBe('FORBIDDEN');
    const euName = await gateway(`query($id: ID!) { product(id: $id) { name } }`, { id: p.id }, 'sandbox-eu', { locale: 'en-GB' });
    expect(euName.data.product.name).toBe(p.input.name);
  });

  it('refuses catalog writes from shoppers and from staff without catalog-admin', async () => {
    const anonymous = await gateway(CREATE_PRODUCT, { input: { slug: `x-${uid()}`, name: 'x' } });
    expect(code(anonymous)).toBe('FORBIDDEN');
    const pricing = await gateway(CREATE_PRODUCT, { input: { slug: `x-${uid()}`, name: 'x' } }, 'sandbox-eu', {
      staff: { id: 'stf_p', roles: ['pricing-admin'], channels: ['*'] },
    });
    expect(code(pricing)).toBe('FORBIDDEN');
  });
});

describe('what each channel and locale reads', () => {
  it('applies the channel override, then the locale, then the channel default, then the catalog default', async () => {
    const p = await createTestProduct({ channels: ['sandbox-eu', 'sandbox-us'], name: 'Rain shell', de: 'Regenjacke' });
    const name = async (channel: string, locale: string) =>
      (await gateway(`query($id: ID!) { product(id: $id) { name } }`, { id: p.id }, channel, { locale })).data.product.name;
    expect(await name('sandbox-eu', 'de-DE')).toBe('Regenjacke');
    expect(await name('sandbox-eu', 'de-AT')).toBe('Regenjacke'); // same language, other region
    expect(await name('sandbox-eu', 'fr-FR')).toBe('Regenjacke'); // no French: the channel default (de-DE)
    expect(await name('sandbox-eu', 'en-GB')).toBe('Rain shell'); // the catalog default's language
    expect(await name('sandbox-us', 'fr-FR')).toBe('Rain shell'); // no French: the channel default (en-US) is the master's language
    ok(await asStaff(SET_CHANNEL, { channel: 'sandbox-us', productId: p.id, input: { nameOverride: 'Rain shell (US cut)' } }));
    expect(await name('sandbox-us', 'en-US')).toBe('Rain shell (US cut)');
    expect(await name('sandbox-eu', 'en-GB')).toBe('Rain shell');
    ok(await asStaff(SET_CHANNEL, { channel: 'sandbox-us', productId: p.id, input: { nameOverride: null } }));
    expect(await name('sandbox-us', 'en-US')).toBe('Rain shell');
  });

  it('shares media across channels with alt text per locale and per channel', async () => {
    const p = await createTestProduct({ channels: ['sandbox-eu', 'sandbox-us'] });
    ok(
      await asStaff(`mutation($id: ID!, $m: [MediaInput!]!) { addProductMedia(id: $id, expectedVersion: 1, media: $m) { ... on AdminProduct { version } } }`, {
        id: p.id,
        m: [
          {
            url: 'https://cdn.example/shared.jpg',
            alt: [
              { key: 'de-DE', text: 'Jacke von vorn' },
              { key: 'sandbox-us:de-DE', text: 'Jacke am Regal 4' },
              { key: 'en-GB', text: 'Jacket, front' },
            ],
          },
        ],
      }),
    );
    const alt = async (channel: string, locale: string) =>
      (await gateway(`query($id: ID!) { product(id: $id) { media { url alt } } }`, { id: p.id }, channel, { locale })).data.product.media[1];
    expect(await alt('sandbox-eu', 'de-DE')).toEqual({ url: 'https://cdn.example/shared.jpg', alt: 'Jacke von vorn' });
    expect(await alt('sandbox-us', 'de-DE')).toEqual({ url: 'https://cdn.example/shared.jpg', alt: 'Jacke am Regal 4' });
    expect((await alt('sandbox-eu', 'en-GB')).alt).toBe('Jacket, front');
  });

  it('archives a variant: it leaves the product page and is no longer found by SKU', async () => {
    const p = await createTestProduct({ channels: ['sandbox-eu'], variants: 2 });
    const [a, b] = p.variants;
    ok(await asStaff(`mutation($id: ID!) { archiveVariant(id: $id, expectedVersion: 1) { ... on AdminVariant { status } } }`, { id: a.id }));
    const res = await gateway(
      `query($id: ID!, $sku: String!) { product(id: $id) { variants { sku } } variantBySku(sku: $sku) { id } }`,
      {
        id: p.id,
        sku: a.sku,
      },
      'sandbox-eu',
    );
    expect(res.data).toEqual({ product: { variants: [{ sku: b.sku }] }, variantBySku: null });
  });
});
