import { and, sql } from 'drizzle-orm';
import { attributeDefinitions, attributeValues, brands, categories, channelProducts, productCategories, products } from '../db/tables.ts';
import type { ProductsContext } from '../context.ts';
import { listingConditions, type ListingQuery, type OmitGroup } from './listing-conditions.ts';
import { searchSql } from './search-match.ts';
import { channelJoin, channelValues } from './visibility.ts';

interface FacetRow {
  grp: 'brand' | 'category' | 'attribute';
  code: string | null;
  group_name: string | null;
  value: string;
  label: string;
  count: number;
}
export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

/**
 * Facet counts over the whole result, in one statement however many groups: each group is counted with
 * every filter except its own, so choosing brand A still shows how many products brand B would add.
 * NUMBER attributes are filtered by range and get no value facet.
 */
export async function productFacets(ctx: ProductsContext, query: ListingQuery) {
  const channel = channelValues(ctx.channel);
  const search = await searchSql(ctx, channel, query);
  const filtered = [...new Set((query.filter?.attributes ?? []).map((a) => a.code))];
  const attributeParts = [
    ...filtered.map((code) => ({ omit: { attribute: code } as OmitGroup, only: sql`av.attribute_code = ${code}` })),
    {
      omit: null as OmitGroup,
      only: filtered.length
        ? sql`av.attribute_code not in (${sql.join(
            filtered.map((c) => sql`${c}`),
            sql`, `,
          )})`
        : sql`true`,
    },
  ].map(
    ({ omit, only }) => sql`
    select 'attribute' as grp, av.attribute_code as code, ad.name as group_name, av.value as value, av.value as label,
      count(distinct ${products.id})::int as count
    from ${products} inner join ${channelProducts} on ${channelJoin(channel)}
      inner join ${attributeValues} av on av.product_id = ${products.id}
      inner join ${attributeDefinitions} ad on ad.code = av.attribute_code and ad.filterable and ad.type <> 'NUMBER'
    where ${and(...listingConditions(channel, query, search, omit))} and ${only}
    group by av.attribute_code, ad.name, av.value`,
  );
  const statement = sql`
    with recursive closure(ancestor, descendant) as (
      select id, id from ${categories}
      union all
      select closure.ancestor, c.id from closure join ${categories} c on c.parent_id = closure.descendant
    )
    select 'brand' as grp, null as code, null as group_name, b.slug as value, b.name as label, count(*)::int as count
    from ${products} inner join ${channelProducts} on ${channelJoin(channel)}
      inner join ${brands} b on b.id = ${products.brandId}
    where ${and(...listingConditions(channel, query, search, 'brand'))}
    group by b.slug, b.name
    union all
    select 'category', null, null, c.slug, c.name, count(distinct ${products.id})::int
    from ${products} inner join ${channelProducts} on ${channelJoin(channel)}
      inner join ${productCategories} pc on pc.product_id = ${products.id}
      inner join closure on closure.descendant = pc.category_id
      inner join ${categories} c on c.id = closure.ancestor
    where ${and(...listingConditions(channel, query, search, 'category'))}
    group by c.slug, c.name
    ${sql.join(
      attributeParts.map((p) => sql`union all ${p}`),
      sql` `,
    )}
    order by 1, 2, 6 desc, 4`;
  const rows = (await ctx.db.db.execute(statement)) as unknown as FacetRow[];
  const pick = (r: FacetRow): FacetValue => ({ value: r.value, label: r.label, count: Number(r.count) });
  const attributes = new Map<string, { code: string; name: string; values: FacetValue[] }>();
  for (const r of rows.filter((x) => x.grp === 'attribute')) {
    const entry = attributes.get(r.code!) ?? { code: r.code!, name: r.group_name ?? r.code!, values: [] };
    entry.values.push(pick(r));
    attributes.set(r.code!, entry);
  }
  return {
    brands: rows.filter((r) => r.grp === 'brand').map(pick),
    categories: rows.filter((r) => r.grp === 'category').map(pick),
    attributes: [...attributes.values()],
  };
}
