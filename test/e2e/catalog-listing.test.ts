import { describe, expect, it } from 'vitest';
import { demoProducts } from '@storegraph/demo';
import { createTestProduct, gateway, ok, uid } from '../../subgraphs/products/test/catalog-admin.ts';

const RICH_LISTING = `query Rich($first: Int!, $sort: ProductSort, $search: String, $after: String) {
  products(first: $first, sort: $sort, search: $search, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id slug name description
      brand { name }
      categories { slug parent { slug } }
      media { url alt }
      attributes { code value numberValue booleanValue }
      variants { id sku gtin options { name value } attributes { code value } product { id } }
    }
  }
}`;

async function statementsFor(variables: Record<string, unknown>, expected: number) {
  const res = await gateway(RICH_LISTING, variables, 'web-eu');
  expect(res.errors).toBeUndefined();
  expect(res.data.products.nodes).toHaveLength(expected);
  return res.extensions!.sqlStatements!.products!;
}

describe('cost of a catalog listing', () => {
  it('costs the same SQL statements for 50 products with variants, media and attributes as for 5', async () => {
    const five = await statementsFor({ first: 5 }, 5);
    const fifty = await statementsFor({ first: 50 }, 50);
    expect(fifty).toBe(five);
    // listing, brand, categories, category parents, media, product attributes, variants, variant attributes
    expect(fifty).toBeLessThanOrEqual(8);
  });

  it('costs the same for every sort, a search and a second page', async () => {
    for (const sort of ['NAME', 'NEWEST']) {
      const five = await statementsFor({ first: 5, sort }, 5);
      expect(await statementsFor({ first: 50, sort }, 50)).toBe(five);
    }
    const first = await gateway(RICH_LISTING, { first: 5, search: 'Jacke' }, 'web-eu');
    const next = await gateway(RICH_LISTING, { first: 5, search: 'Jacke', after: first.data.products.pageInfo.endCursor }, 'web-eu');
    expect(next.extensions!.sqlStatements!.products).toBe(first.extensions!.sqlStatements!.products);
  });
});

describe('sorting and cursors', () => {
  async function all(sort: string, channel = 'web-eu', extra: Record<string, unknown> = {}) {
    const names: { id: string; name: string }[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res: any = await gateway(
        `query($sort: ProductSort, $after: String, $search: String) { products(first: 37, sort: $sort, after: $after, search: $search) { nodes { id name } pageInfo { hasNextPage endCursor } } }`,
        { sort, after, ...extra },
        channel,
      );
      expect(res.errors).toBeUndefined();
      names.push(...res.data.products.nodes);
      if (!res.data.products.pageInfo.hasNextPage) break;
      after = res.data.products.pageInfo.endCursor;
    }
    return names;
  }

  it('pages through the channel by name in the caller’s language, each product once and in order', async () => {
    const rows = await all('NAME');
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    // Other test files create products of their own in web-eu; the demo's ids are prd_0001 to prd_0240.
    expect(rows.filter((r) => /^prd_\d{4}$/.test(r.id)).length).toBe(216);
    const sorted = await gateway(`{ products(first: 5, sort: NAME) { nodes { name } } }`, {}, 'web-eu');
    expect(sorted.data.products.nodes.map((n: { name: string }) => n.name)).toEqual(rows.slice(0, 5).map((r) => r.name));
  });

  it('lists the newest product first', async () => {
    const p = await createTestProduct({ channels: ['sandbox-eu'], name: `Newest ${uid()}` });
    const res = await gateway(`{ products(first: 1, sort: NEWEST) { nodes { id } } }`, {}, 'sandbox-eu');
    expect(res.data.products.nodes[0].id).toBe(p.id);
  });

  it('refuses a cursor of another sort', async () => {
    const first = await gateway(`{ products(first: 2, sort: NAME) { pageInfo { endCursor } } }`);
    const res = await gateway(`query($a: String) { products(first: 2, sort: NEWEST, after: $a) { nodes { id } } }`, {
      a: first.data.products.pageInfo.endCursor,
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('search in the caller’s language', () => {
  const SEARCH = `query($q: String!, $after: String, $filter: ProductFilter) {
    products(first: 100, search: $q, after: $after, filter: $filter) { nodes { id name } pageInfo { hasNextPage endCursor } }
  }`;
  const JACKETS = `query($after: String) {
    products(first: 100, after: $after, filter: { categorySlug: "jackets" }) { nodes { id name } pageInfo { hasNextPage endCursor } }
  }`;
  /**
   * Every hit, page by page: other files make test products in web-eu's jackets category while this one
   * runs (the test-product helpers default to it), and they can fill the first page of a search or listing.
   */
  async function everyHit(query: string, variables: Record<string, unknown>, channel: string, ctx: Record<string, string> = {}) {
    const nodes: { id: string; name: string }[] = [];
    let after: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = ok(await gateway(query, { ...variables, after }, channel, ctx));
      nodes.push(...res.products.nodes);
      if (!res.products.pageInfo.hasNextPage) return nodes;
      after = res.products.pageInfo.endCursor;
    }
    throw new Error('more than 50 pages');
  }
  const demoOnly = (nodes: { id: string; name: string }[]) => nodes.filter((n) => /^prd_\d{4}$/.test(n.id));

  it('finds German names for "Jacke" in web-eu: every jacket of the channel and nothing else', async () => {
    const found = demoOnly(await everyHit(SEARCH, { q: 'Jacke' }, 'web-eu', { locale: 'de-DE' }));
    for (const n of found) expect(n.name).toMatch(/Jacke/);
    const demoJackets = demoOnly(await everyHit(JACKETS, {}, 'web-eu'));
    // The demo catalog's definition, not the catalogue's answer, says which jackets web-eu sells.
    const expected = demoJacketIds();
    expect(expected.length).toBeGreaterThan(1);
    expect(found.map((n) => n.id).sort()).toEqual(expected);
    expect(demoJackets.map((n) => n.id).sort()).toEqual(expected);
  });

  it('stems by language: "Jacken" finds the jackets in German, "jackets" in English, "vestes" in French', async () => {
    const de = await everyHit(SEARCH, { q: 'Jacken' }, 'web-eu', { locale: 'de-DE' });
    const en = await everyHit(SEARCH, { q: 'jackets' }, 'web-eu', { locale: 'en-GB' }); // web-us sells no jackets
    const fr = await everyHit(SEARCH, { q: 'vestes' }, 'web-eu', { locale: 'fr-FR' });
    const demoIds = (nodes: { id: string; name: string }[]) =>
      demoOnly(nodes)
        .map((n) => n.id)
        .sort();
    const expected = demoJacketIds();
    expect(demoIds(de)).toEqual(expected);
    expect(demoIds(en)).toEqual(expected);
    expect(demoIds(fr)).toEqual(expected);
    for (const n of demoOnly(fr)) expect(n.name).toMatch(/Veste/);
  });

  it('searches the text the caller reads: a German word finds nothing for an English reader', async () => {
    const word = `Flauschjacke${uid()}`;
    const p = await createTestProduct({ channels: ['sandbox-eu'], name: `Fluffy jacket ${uid()}`, de: `${word} Deluxe` });
    const de = await gateway(SEARCH, { q: word }, 'sandbox-eu', { locale: 'de-DE' });
    const en = await gateway(SEARCH, { q: word }, 'sandbox-eu', { locale: 'en-GB' });
    expect(de.data.products.nodes.map((n: { id: string }) => n.id)).toEqual([p.id]);
    expect(en.data.products.nodes).toEqual([]);
  });
});

describe('facets', () => {
  const FACETS = `query($q: String, $filter: ProductFilter) {
    products(first: 100, search: $q, filter: $filter) {
      nodes { id }
      facets { brands { value count } categories { value count } attributes { code values { value count } } }
    }
  }`;
  const counts = (list: { value: string; count: number }[]) => Object.fromEntries(list.map((f) => [f.value, f.count]));

  it('counts brands, categories (with their descendants) and attribute values; a group ignores its own filter', async () => {
    const word = `Kookaburra${uid()}`;
    const make = (brandId: string, categoryIds: string[], material: string) =>
      createTestProduct({ channels: ['sandbox-eu'], name: `${word} item`, brandId, categoryIds, attributes: [{ code: 'material', value: material }] });
    await make('brd_fjell', ['cat_jackets'], 'wool');
    await make('brd_fjell', ['cat_shirts'], 'leather');
    await make('brd_lumen', ['cat_jackets'], 'wool');
    await make('brd_lumen', ['cat_boots'], 'wool');
    const all = ok(await gateway(FACETS, { q: word }, 'sandbox-eu', { locale: 'en-GB' })).products;
    expect(all.nodes).toHaveLength(4);
    expect(counts(all.facets.brands)).toEqual({ fjell: 2, lumen: 2 });
    expect(counts(all.facets.categories)).toEqual({ apparel: 3, jackets: 2, shirts: 1, footwear: 1, boots: 1 });
    expect(counts(all.facets.attributes.find((a: { code: string }) => a.code === 'material').values)).toEqual({ wool: 3, leather: 1 });

    const fjell = ok(await gateway(FACETS, { q: word, filter: { brandSlug: 'fjell' } }, 'sandbox-eu', { locale: 'en-GB' })).products;
    expect(fjell.nodes).toHaveLength(2);
    expect(counts(fjell.facets.brands)).toEqual({ fjell: 2, lumen: 2 }); // its own filter is ignored
    expect(counts(fjell.facets.categories)).toEqual({ apparel: 2, jackets: 1, shirts: 1 });
    expect(counts(fjell.facets.attributes.find((a: { code: string }) => a.code === 'material').values)).toEqual({ wool: 1, leather: 1 });

    const apparelWool = ok(
      await gateway(FACETS, { q: word, filter: { categorySlug: 'apparel', attributes: [{ code: 'material', values: ['wool'] }] } }, 'sandbox-eu', {
        locale: 'en-GB',
      }),
    ).products;
    expect(apparelWool.nodes).toHaveLength(2);
    expect(counts(apparelWool.facets.brands)).toEqual({ fjell: 1, lumen: 1 });
    expect(counts(apparelWool.facets.attributes.find((a: { code: string }) => a.code === 'material').values)).toEqual({ wool: 2, leather: 1 });
  });

  it('counts the demo channel consistently with its listing: brand counts add up to the 216 web-eu products', async () => {
    const res = ok(
      await gateway(`{ products(first: 1, filter: { attributes: [{ code: "weight_g", min: 0, max: 100000 }] }) { facets { brands { value count } } } }`),
    );
    const fjell = res.products.facets.brands.find((b: { value: string }) => b.value === 'fjell').count;
    const demoTotal = res.products.facets.brands.reduce((s: number, b: { count: number }) => s + b.count, 0);
    // Every demo product carries weight_g, so the filter keeps the whole demo assortment.
    expect(demoTotal).toBe(216);
    let listed = 0;
    let after: string | null = null;
    for (;;) {
      const page: any = await gateway(
        `query($after: String) { products(first: 100, after: $after, filter: { brandSlug: "fjell", attributes: [{ code: "weight_g", min: 0 }] }) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      listed += page.data.products.nodes.length;
      if (!page.data.products.pageInfo.hasNextPage) break;
      after = page.data.products.pageInfo.endCursor;
    }
    expect(listed).toBe(fjell);
  });

  it('filters by a number range and by a boolean attribute', async () => {
    const res = ok(
      await gateway(`{ products(first: 100, filter: { attributes: [{ code: "weight_g", min: 900, max: 1000 }, { code: "waterproof", values: ["true"] }] }) {
        nodes { attributes { code value } categories { slug } } } }`),
    );
    // From the demo catalog's definition: web-eu products weighing 900-1000 g that are waterproof.
    const expected = demoProducts().filter(
      (p) =>
        p.channels.includes('web-eu') && p.attributes.waterproof === 'true' && Number(p.attributes.weight_g) >= 900 && Number(p.attributes.weight_g) <= 1000,
    ).length;
    expect(expected).toBeGreaterThan(0);
    expect(res.products.nodes).toHaveLength(expected);
    for (const n of res.products.nodes) {
      const a = Object.fromEntries(n.attributes.map((x: { code: string; value: string }) => [x.code, x.value]));
      expect(Number(a.weight_g)).toBeGreaterThanOrEqual(900);
      expect(a.waterproof).toBe('true');
    }
  });
});

/** The demo jackets web-eu sells, from the demo catalog's definition. */
function demoJacketIds(): string[] {
  return demoProducts()
    .filter((p) => p.categoryIds.includes('cat_jackets') && p.channels.includes('web-eu'))
    .map((p) => p.id)
    .sort();
}
