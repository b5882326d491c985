import { and, eq, sql } from 'drizzle-orm';
import type { ChannelContext } from '@storegraph/schema';
import { channelProducts, productTranslations, products } from '../db/tables.ts';

/**
 * The one definition of "this product exists for this caller": active, and assigned visibly to the
 * caller's channel. Every read path (listing, by id/slug/SKU/barcode, entity reference) joins through it,
 * so a hidden product is not found rather than returned with empty fields.
 */
export function visibleInChannel(channel: ChannelContext) {
  return and(eq(channelProducts.channel, channel.channel), eq(channelProducts.visible, true), eq(products.status, 'ACTIVE'));
}

/** Fields read for a response, explicitly: the channel override, then the locale's translation, then the master. */
export function productFields(channel: ChannelContext) {
  const locale = channel.locale;
  const language = locale.slice(0, 2);
  const translated = (column: 'name' | 'description') =>
    sql<string>`coalesce(
      (select t.${sql.raw(column)} from ${productTranslations} t where t.product_id = ${products.id} and t.locale = ${locale}),
      (select t.${sql.raw(column)} from ${productTranslations} t where t.product_id = ${products.id} and t.locale like ${`${language}%`} order by t.locale limit 1),
      ${products[column]})`;
  return {
    id: products.id,
    slug: products.slug,
    status: products.status,
    brandId: products.brandId,
    name: sql<string>`coalesce(${channelProducts.nameOverride}, ${translated('name')})`.as('name'),
    description: sql<string>`coalesce(${channelProducts.descriptionOverride}, ${translated('description')})`.as('description'),
    sortOrder: channelProducts.sortOrder,
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
}
