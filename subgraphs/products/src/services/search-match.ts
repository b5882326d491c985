import { sql, type SQL } from 'drizzle-orm';
import type { ProductsContext } from '../context.ts';
import { channelProducts, channelSearchDocuments, productTranslations, products } from '../db/tables.ts';
import { CATALOG_DEFAULT_LOCALE } from './locale.ts';
import { normalisedSearch, type ListingQuery } from './listing-conditions.ts';
import { translationChain, type ChannelSql } from './visibility.ts';

/** A search as the two pieces a listing needs: which products match, and how each ranks. */
export interface SearchSql {
  match: SQL;
  rank: SQL<number>;
}

/**
 * The search of a listing, or null without one. A caller in one of the channel's locales (every storefront
 * caller: the BFF negotiates among them) searches the materialised documents through their GIN index; any
 * other locale (a BFF's channel cache a minute stale after a locale was dropped) walks the fallback chain
 * per product, slower and with the same answer. The channel row comes from the request's loader.
 */
export async function searchSql(ctx: ProductsContext, channel: ChannelSql, q: ListingQuery): Promise<SearchSql | null> {
  const search = normalisedSearch(q);
  if (!search) return null;
  const def = await ctx.loaders.channel.load(ctx.channel.channel);
  return def?.locales.includes(ctx.channel.locale)
    ? documentSearch(channel, search, { caller: ctx.channel.locale, channelDefault: def.defaultLocale })
    : chainSearch(channel, search);
}

/**
 * The caller's (channel, locale) documents. A document is stemmed in the configuration of its locale's language:
 * the caller's, the channel default's (not for a reader of the master's language, who skips it) or the master's.
 * One arm per distinct language parses the query as those documents were stemmed (search_config reads only the
 * language), and each arm is an index condition, so PostgreSQL ORs bitmap scans of the GIN index; a duplicate arm
 * would scan the same postings again (a de-DE reader in web-eu needs two arms, an en-GB reader one).
 * The name override is searched in the caller's configuration, as the displayed name is in their locale.
 */
export function documentSearch(channel: ChannelSql, search: string, locales: { caller: string; channelDefault: string }): SearchSql {
  const d = channelSearchDocuments;
  const language = (locale: string) => locale.slice(0, 2).toLowerCase();
  const readsMaster = language(locales.caller) === language(CATALOG_DEFAULT_LOCALE);
  const stemmedIn = [locales.caller, ...(readsMaster ? [] : [locales.channelDefault]), CATALOG_DEFAULT_LOCALE].filter(
    (locale, i, all) => all.findIndex((other) => language(other) === language(locale)) === i,
  );
  const arms = stemmedIn.map((locale) => {
    const config = sql`products.search_config(${locale})`;
    return sql`(${d.config} = ${config} and ${d.vector} @@ websearch_to_tsquery(${config}, ${search}))`;
  });
  const callerConfig = sql`products.search_config(${locales.caller})`;
  const here = sql`${d.channel} = ${channel.channel} and ${d.locale} = ${channel.locale}`;
  return {
    match: sql`${products.id} in (select ${d.productId} from ${d} where ${here} and (
        ${sql.join(arms, sql` or `)} or ${d.overrideVector} @@ websearch_to_tsquery(${callerConfig}, ${search})))`,
    // Only matched rows are ranked: a primary-key lookup each, as the rank never reads the override.
    rank: sql<number>`coalesce((select ts_rank(${d.vector}, websearch_to_tsquery(${d.config}, ${search})) from ${d}
        where ${d.productId} = ${products.id} and ${here}), 0)::real`,
  };
}

/**
 * The fallback chain per product, for a locale the channel does not sell in: the first translation of the chain
 * (requested locale, its language, the channel default), else the master, as the caller reads it.
 */
export function chainSearch(channel: ChannelSql, search: string): SearchSql {
  const chain = translationChain(channel);
  const documentSql = (apply: (vector: SQL, config: SQL) => SQL) => sql`(select ${apply(sql`d.v`, sql`d.c`)} from (
      select t.search_vector as v, products.search_config(t.locale) as c, ${chain.priority} as prio, t.locale as l
      from ${productTranslations} t
      where t.product_id = ${products.id} and ${chain.where}
      union all
      select ${products.searchVector}, products.search_config(${CATALOG_DEFAULT_LOCALE}), 9, ''
    ) d order by d.prio, d.l limit 1)`;
  const config = sql`products.search_config(${channel.locale})`;
  return {
    match: sql`(coalesce(${documentSql((v, c) => sql`${v} @@ websearch_to_tsquery(${c}, ${search})`)}, false)
      or (${channelProducts.nameOverride} is not null
          and to_tsvector(${config}, ${channelProducts.nameOverride}) @@ websearch_to_tsquery(${config}, ${search})))`,
    rank: sql<number>`coalesce(${documentSql((v, c) => sql`ts_rank(${v}, websearch_to_tsquery(${c}, ${search}))`)}, 0)::real`,
  };
}
