import { and, eq, or, sql, type Placeholder } from 'drizzle-orm';
import type { ChannelContext } from '@storegraph/schema';
import { channelProducts, productTranslations, products } from '../db/tables.ts';
import { CATALOG_DEFAULT_LOCALE, channelDefaultLocaleSql } from './locale.ts';

/**
 * What the read paths need of the caller's channel, as SQL values: plain values in a statement built per
 * request, placeholders in a prepared one. Both give the same SQL text, so one definition serves both.
 */
export interface ChannelSql {
  channel: string | Placeholder;
  locale: string | Placeholder;
  /** `de-%`: another region of the caller's language. */
  language: string | Placeholder;
  /** The caller reads the catalog default's language: the master is their text, the channel default is skipped. */
  readsMaster: boolean | Placeholder;
}

/** The caller's channel as plain values: inline in a statement built per request, or a prepared statement's parameters. */
export function channelValues(channel: ChannelContext) {
  const language = channel.locale.slice(0, 2);
  return {
    channel: channel.channel,
    locale: channel.locale,
    language: `${language}-%`,
    readsMaster: language === CATALOG_DEFAULT_LOCALE.slice(0, 2),
  };
}

/** The same, as placeholders: a prepared statement built with them is executed with `channelValues`. */
export const channelPlaceholders: ChannelSql = {
  channel: sql.placeholder('channel'),
  locale: sql.placeholder('locale'),
  language: sql.placeholder('language'),
  readsMaster: sql.placeholder('readsMaster'),
};

/**
 * The one definition of "this product exists for this caller": active, in the caller's channel (by
 * explicit assignment or by the channel's materialised rules) and not hidden by the channel's override.
 * Every read path (listing, search, by id/slug/SKU/barcode, entity reference) joins through it, so a
 * hidden product is not found rather than returned with empty fields.
 */
export function visibleInChannel(channel: ChannelSql) {
  return and(
    eq(channelProducts.channel, channel.channel),
    or(eq(channelProducts.assigned, true), eq(channelProducts.byRule, true)),
    eq(channelProducts.visible, true),
    eq(products.status, 'ACTIVE'),
  );
}

/** The join every read path uses: products to the caller's channel row. */
export const channelJoin = (channel: ChannelSql) => and(eq(channelProducts.productId, products.id), eq(channelProducts.channel, channel.channel));

/**
 * Which translations stand before the master in the fallback chain: the requested locale, another region
 * of its language, then the channel's default locale. When the caller reads the catalog default's
 * language, the master *is* their text, so the channel default is skipped (an en-GB shopper in web-eu
 * reads the English master, not the German channel default).
 */
export function translationChain(channel: ChannelSql) {
  const { locale, language } = channel;
  // No row when the caller reads the master's language: `t.locale = null` matches nothing.
  const channelDefault = channelDefaultLocaleSql(channel.channel, sql`not ${channel.readsMaster}::boolean`);
  return {
    /** Matches a translation row `t` in the chain. */
    where: sql`(t.locale = ${locale} or t.locale like ${language} or t.locale = ${channelDefault})`,
    /** Orders the rows of the chain, best first. */
    priority: sql`case when t.locale = ${locale} then 0 when t.locale like ${language} then 1 else 2 end`,
  };
}

/** The translation the caller reads, by the fallback chain; the master (catalog default) when none exists. */
export function translatedSql(channel: ChannelSql, column: 'name' | 'description') {
  const chain = translationChain(channel);
  return sql<string>`coalesce(
      (select t.${sql.raw(column)} from ${productTranslations} t
        where t.product_id = ${products.id} and ${chain.where}
        order by ${chain.priority}, t.locale
        limit 1),
      ${products[column]})`;
}

/** The caller-visible name as SQL (channel override, then the translation chain); sorts and searches use it. */
export function displayNameSql(channel: ChannelSql) {
  return sql<string>`coalesce(${channelProducts.nameOverride}, ${translatedSql(channel, 'name')})`;
}

/** Fields read for a response, explicitly: the channel override, then the locale's translation, then the master. */
export function productFields(channel: ChannelSql) {
  return {
    id: products.id,
    slug: products.slug,
    status: products.status,
    brandId: products.brandId,
    name: displayNameSql(channel).as('name'),
    description: sql<string>`coalesce(${channelProducts.descriptionOverride}, ${translatedSql(channel, 'description')})`.as('description'),
    sortOrder: channelProducts.sortOrder,
    createdAt: sql<string>`${products.createdAt}::text`.as('created_at_text'),
  };
}

export interface ProductRow {
  id: string;
  slug: string;
  status: 'DRAFT' | 'ACTIVE' | 'ARCHIVED';
  brandId: string | null;
  name: string;
  description: string;
  sortOrder: number;
  /** Exact timestamp text (microseconds), used in NEWEST cursors. */
  createdAt: string;
}
