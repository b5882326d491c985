import { describe, expect, it } from 'vitest';
import { direct, system } from '../support/clients.ts';
import { SET_CHANNEL, asStaff, createTestProduct, gateway, ok, uid } from '../../subgraphs/products/test/catalog-admin.ts';

const SANDBOX_BASE: Record<string, string> = { 'sandbox-eu': 'web-eu', 'sandbox-us': 'web-us' };

/** Every path a caller can reach a product by; each must agree with the one visibility definition. */
async function everyPath(channel: string, p: { id: string; slug: string; sku: string; gtin: string; word: string }) {
  const q = `query($id: ID!, $slug: String!, $sku: String!, $gtin: String!, $word: String!) {
    byId: product(id: $id) { id }
    bySlug: product(slug: $slug) { id }
    bySku: product(sku: $sku) { id }
    byBarcode: product(barcode: $gtin) { id }
    variantBySku(sku: $sku) { id }
    variantByBarcode(gtin: $gtin) { id }
    search: products(first: 10, search: $word) { nodes { id } }
    listing: products(first: 100, filter: { brandSlug: "lumen" }) { nodes { id } }
  }`;
  const res = await gateway(q, p, channel);
  expect(res.errors).toBeUndefined();
  const d = res.data;
  const entities = await direct(
    system().products,
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id } ... on Variant { id } } }`,
    { r: [{ __typename: 'Product', id: p.id }] },
    SANDBOX_BASE[channel] ?? channel,
    SANDBOX_BASE[channel] ? { channel } : {},
  );
  expect(entities.errors).toBeUndefined();
  return {
    byId: d.byId?.id ?? null,
    bySlug: d.bySlug?.id ?? null,
    bySku: d.bySku?.id ?? null,
    byBarcode: d.byBarcode?.id ?? null,
    variantBySku: d.variantBySku ? 'found' : null,
    variantByBarcode: d.variantByBarcode ? 'found' : null,
    search: d.search.nodes.some((n: { id: string }) => n.id === p.id),
    listing: d.listing.nodes.some((n: { id: string }) => n.id === p.id),
    entity: entities.data._entities[0]?.id ?? null,
  };
}

const found = (id: string) => ({
  byId: id,
  bySlug: id,
  bySku: id,
  byBarcode: id,
  variantBySku: 'found',
  variantByBarcode: 'found',
  search: true,
  listing: true,
  entity: id,
});
const absent = {
  byId: null,
  bySlug: null,
  bySku: null,
  byBarcode: null,
  variantBySku: null,
  variantByBarcode: null,
  search: false,
  listing: false,
  entity: null,
};

async function lumenProduct(channels: string[], status: 'ACTIVE' | 'DRAFT' = 'ACTIVE') {
  const word = `Quokka${uid()}`;
  const p = await createTestProduct({ brandId: 'brd_lumen', name: `${word} parka`, channels, status });
  return { p, keys: { id: p.id, slug: p.slug, sku: p.variants[0].sku, gtin: p.variants[0].gtin, word } };
}

describe('a product exists only in its channels, by every path', () => {
  it('is found in trade-eu and not found in web-eu by id, slug, SKU, barcode, search, listing and entity reference', async () => {
    const { p, keys } = await lumenProduct(['sandbox-us']);
    expect(await everyPath('sandbox-us', keys)).toEqual(found(p.id));
    expect(await everyPath('sandbox-eu', keys)).toEqual(absent);
  });

  it('disappears everywhere from a channel whose override hides it, and stays in the others', async () => {
    const { p, keys } = await lumenProduct(['sandbox-eu', 'sandbox-us']);
    ok(await asStaff(SET_CHANNEL, { channel: 'sandbox-eu', productId: p.id, input: { visible: false } }));
    expect(await everyPath('sandbox-eu', keys)).toEqual(absent);
    expect(await everyPath('sandbox-us', keys)).toEqual(found(p.id));
  });

  it('shows no draft and no archived product, even when assigned', async () => {
    const { keys } = await lumenProduct(['sandbox-eu'], 'DRAFT');
    expect(await everyPath('sandbox-eu', keys)).toEqual(absent);
    const { p, keys: k2 } = await lumenProduct(['sandbox-eu']);
    ok(await asStaff(`mutation($id: ID!) { archiveProduct(id: $id, expectedVersion: 1) { ... on AdminProduct { status } } }`, { id: p.id }));
    expect(await everyPath('sandbox-eu', k2)).toEqual(absent);
  });

  // Rules here match only this test's products (a fresh attribute), so other tests' demo counts never move.
  async function seasonAttribute() {
    const code = `season_${uid()}`;
    ok(
      await asStaff(`mutation($input: AttributeDefinitionInput!) { defineAttribute(input: $input) { code } }`, {
        input: { code, name: 'Season', type: 'ENUM', allowedValues: ['summer', 'winter'] },
      }),
    );
    return code;
  }
  const RULE = `mutation($channel: ID!, $input: ChannelRuleInput!) { addChannelRule(channel: $channel, input: $input) { id } }`;
  const REMOVE = `mutation($id: ID!) { removeChannelRule(id: $id) }`;

  it('reaches a channel by an include rule, leaves it by an exclude rule on an ancestor category, returns when that rule goes', async () => {
    const attr = await seasonAttribute();
    const word = `Wombat${uid()}`;
    const p = await createTestProduct({
      brandId: 'brd_lumen',
      categoryIds: ['cat_jackets'],
      name: `${word} coat`,
      attributes: [{ code: attr, value: 'winter' }],
    });
    const keys = { id: p.id, slug: p.slug, sku: p.variants[0].sku, gtin: p.variants[0].gtin, word };
    expect(await everyPath('sandbox-eu', keys)).toEqual(absent);

    const include = ok(
      await asStaff(RULE, { channel: 'sandbox-eu', input: { effect: 'INCLUDE', kind: 'ATTRIBUTE', attributeCode: attr, attributeValue: 'winter' } }),
    );
    expect(await everyPath('sandbox-eu', keys)).toEqual(found(p.id));
    // apparel is the parent of jackets: a category rule covers the descendants. It would hide every other
    // file's rule-matched apparel in sandbox-eu too, so it goes in finally whatever happens here.
    const exclude = ok(await asStaff(RULE, { channel: 'sandbox-eu', input: { effect: 'EXCLUDE', kind: 'CATEGORY', categoryId: 'cat_apparel' } }));
    try {
      expect(await everyPath('sandbox-eu', keys)).toEqual(absent);
    } finally {
      ok(await asStaff(REMOVE, { id: exclude.addChannelRule.id }));
    }
    expect(await everyPath('sandbox-eu', keys)).toEqual(found(p.id));
    ok(await asStaff(REMOVE, { id: include.addChannelRule.id }));
    expect(await everyPath('sandbox-eu', keys)).toEqual(absent);
    // The rule never showed the product anywhere else.
    expect(await everyPath('sandbox-us', keys)).toEqual(absent);
  });

  it('re-evaluates the rules when a product changes: a new attribute value brings it into the channel', async () => {
    const attr = await seasonAttribute();
    const word = `Numbat${uid()}`;
    const p = await createTestProduct({ brandId: 'brd_lumen', name: `${word} vest`, attributes: [{ code: attr, value: 'summer' }] });
    const keys = { id: p.id, slug: p.slug, sku: p.variants[0].sku, gtin: p.variants[0].gtin, word };
    const rule = ok(
      await asStaff(RULE, { channel: 'sandbox-us', input: { effect: 'INCLUDE', kind: 'ATTRIBUTE', attributeCode: attr, attributeValue: 'winter' } }),
    );
    expect(await everyPath('sandbox-us', keys)).toEqual(absent);
    ok(
      await asStaff(
        `mutation($id: ID!, $a: [AttributeValueInput!]) { updateProduct(id: $id, expectedVersion: 1, input: { attributes: $a }) { ... on AdminProduct { version } } }`,
        {
          id: p.id,
          a: [{ code: attr, value: 'winter' }],
        },
      ),
    );
    expect(await everyPath('sandbox-us', keys)).toEqual(found(p.id));
    ok(await asStaff(REMOVE, { id: rule.addChannelRule.id }));
    expect(await everyPath('sandbox-us', keys)).toEqual(absent);
  });
});

describe('the demo catalog', () => {
  it('keeps trade-only bulk packs out of web-eu: 216 of 240 products there', async () => {
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const res: any = await gateway(`query($after: String) { products(first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`, {
        after,
      });
      count += res.data.products.nodes.filter((n: { id: string }) => /^prd_\d{4}$/.test(n.id)).length;
      if (!res.data.products.pageInfo.hasNextPage) break;
      after = res.data.products.pageInfo.endCursor;
    }
    expect(count).toBe(216);
  });
});
