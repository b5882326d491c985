import { and, inArray, or, sql, type SQL } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import { attributeValues, brands, categories, productCategories, products } from '../db/tables.ts';
import type { SearchSql } from './search-match.ts';
import { visibleInChannel, type ChannelSql } from './visibility.ts';

export interface AttributeFilterInput {
  code: string;
  values?: string[] | null;
  min?: number | null;
  max?: number | null;
}
export interface ProductFilterInput {
  categorySlug?: string | null;
  brandSlug?: string | null;
  brandSlugs?: string[] | null;
  attributes?: AttributeFilterInput[] | null;
}
export interface ListingQuery {
  filter?: ProductFilterInput | null;
  search?: string | null;
}

/** Which filter group to leave out: facets count a group without its own filter (disjunctive facets). */
export type OmitGroup = 'brand' | 'category' | { attribute: string } | { allAttributes: true } | null;

export function normalisedSearch(q: ListingQuery): string | null {
  const s = q.search?.trim();
  if (!s) return null;
  if (s.length > 200) throw appError('BAD_USER_INPUT', 'search is limited to 200 characters', { argument: 'search' });
  return s;
}

/** The category and all of its descendants, by slug. */
export function categoryTreeSql(slug: string) {
  return sql`(with recursive tree(id) as (
      select ${categories.id} from ${categories} where ${categories.slug} = ${slug}
      union all
      select c.id from ${categories} c join tree on c.parent_id = tree.id
    ) select id from tree)`;
}

function attributeCondition(f: AttributeFilterInput): SQL {
  const parts: SQL[] = [];
  if (f.values && f.values.length > 0) parts.push(inArray(attributeValues.value, f.values));
  if (f.min != null || f.max != null) {
    parts.push(
      and(
        sql`${attributeValues.numberValue} is not null`,
        f.min != null ? sql`${attributeValues.numberValue} >= ${f.min}` : undefined,
        f.max != null ? sql`${attributeValues.numberValue} <= ${f.max}` : undefined,
      )!,
    );
  }
  if (parts.length === 0) throw appError('BAD_USER_INPUT', `attribute filter ${f.code} needs values or a range`, { argument: 'filter.attributes' });
  // A value on the product or on any of its variants matches.
  return sql`exists (select 1 from ${attributeValues} where ${attributeValues.productId} = ${products.id}
    and ${attributeValues.attributeCode} = ${f.code} and (${or(...parts)}))`;
}

/** Visibility plus every filter and the search (`searchSql` of the same query), except the omitted group. */
export function listingConditions(channel: ChannelSql, q: ListingQuery, search: SearchSql | null, omit: OmitGroup = null): SQL[] {
  const conditions: SQL[] = [visibleInChannel(channel)!];
  const f = q.filter ?? {};
  if (f.categorySlug && omit !== 'category') {
    conditions.push(
      sql`exists (select 1 from ${productCategories} where ${productCategories.productId} = ${products.id}
          and ${productCategories.categoryId} in ${categoryTreeSql(f.categorySlug)})`,
    );
  }
  const brandSlugs = [...(f.brandSlugs ?? []), ...(f.brandSlug ? [f.brandSlug] : [])];
  if (brandSlugs.length > 0 && omit !== 'brand') {
    conditions.push(sql`${products.brandId} in (select ${brands.id} from ${brands} where ${inArray(brands.slug, brandSlugs)})`);
  }
  for (const a of f.attributes ?? []) {
    if (omit && typeof omit === 'object' && ('allAttributes' in omit || omit.attribute === a.code)) continue;
    conditions.push(attributeCondition(a));
  }
  if (search) conditions.push(search.match);
  return conditions;
}
