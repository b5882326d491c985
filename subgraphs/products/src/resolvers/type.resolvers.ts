import type { GraphQLResolveInfo } from 'graphql';
import type { ProductsContext } from '../context.ts';
import { cacheHint } from '@storegraph/kit';
import { findChannel } from '../services/channel.service.ts';
import type { PublishableKey } from '../services/publishable-key.service.ts';
import { productFacets } from '../services/facets.service.ts';
import { channelRowsVisibleToStaff } from '../services/channel-assignment.service.ts';
import type { ListingQuery } from '../services/listing-conditions.ts';
import type { ProductRow } from '../services/visibility.ts';
import type { AttributeRow, VariantRow } from '../loaders/catalog.loaders.ts';
import { writeResultType } from '../services/version-conflict.ts';

type Ctx = ProductsContext;
type Info = GraphQLResolveInfo;
type Options = Record<string, string>;

const optionList = (v: { options: Options }) => {
  const list: { name: string; value: string }[] = [];
  for (const name in v.options) list.push({ name, value: v.options[name]! });
  return list;
};
const attributeValue = (a: AttributeRow) => ({
  ...a,
  booleanValue: a.type === 'BOOLEAN' ? a.value === 'true' : null,
  numberValue: a.type === 'NUMBER' ? a.numberValue : null,
});

export const typeResolvers = {
  ProductWriteResult: { __resolveType: writeResultType('AdminProduct') },
  VariantWriteResult: { __resolveType: writeResultType('AdminVariant') },
  PublishableKey: {
    // Whoever may see the key may see its channel (the service checked the scope).
    channel: (key: PublishableKey, _: unknown, ctx: Ctx) => ctx.loaders.channel.load(key.channelCode),
  },
  SalesChannel: {
    __resolveReference: (ref: { code: string }, ctx: Ctx, info: Info) => {
      cacheHint(ctx.channel, info, 300);
      return findChannel(ctx, ref.code);
    },
  },
  ProductConnection: {
    facets: (c: { query: ListingQuery }, _: unknown, ctx: Ctx) => productFacets(ctx, c.query),
  },
  Product: {
    // Entity references go through the same visibility loader as every other read.
    __resolveReference: (ref: { id: string }, ctx: Ctx, info: Info) => {
      cacheHint(ctx.channel, info);
      return ctx.loaders.visibleProduct.load(ref.id);
    },
    brand: (p: ProductRow, _: unknown, ctx: Ctx) => (p.brandId ? ctx.loaders.brand.load(p.brandId) : null),
    categories: (p: ProductRow, _: unknown, ctx: Ctx) => ctx.loaders.categoriesOfProduct.load(p.id),
    variants: (p: ProductRow, _: unknown, ctx: Ctx) => ctx.loaders.variantsOfProduct.load(p.id),
    media: (p: ProductRow, _: unknown, ctx: Ctx) => ctx.loaders.mediaOfProduct.load(p.id),
    attributes: async (p: ProductRow, _: unknown, ctx: Ctx) => (await ctx.loaders.productAttributes.load(p.id)).map(attributeValue),
  },
  Category: {
    parent: (c: { parentId: string | null }, _: unknown, ctx: Ctx) => (c.parentId ? ctx.loaders.category.load(c.parentId) : null),
  },
  Variant: {
    __resolveReference: (ref: { id: string }, ctx: Ctx, info: Info) => {
      cacheHint(ctx.channel, info);
      return ctx.loaders.visibleVariant.load(ref.id);
    },
    options: optionList,
    attributes: async (v: VariantRow, _: unknown, ctx: Ctx) => (await ctx.loaders.variantAttributes.load(v.id)).map(attributeValue),
    product: (v: VariantRow, _: unknown, ctx: Ctx) => ctx.loaders.visibleProduct.load(v.productId),
    // The product's categories and all their ancestors: one recursive statement for every variant asked.
    categoryIds: (v: VariantRow, _: unknown, ctx: Ctx) => ctx.loaders.categoryIdsOfProduct.load(v.productId),
  },
  AdminProduct: {
    brand: (p: { brandId: string | null }, _: unknown, ctx: Ctx) => (p.brandId ? ctx.loaders.brand.load(p.brandId) : null),
    categories: (p: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.categoriesOfProduct.load(p.id),
    translations: (p: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.translationsOfProduct.load(p.id),
    attributes: async (p: { id: string }, _: unknown, ctx: Ctx) => (await ctx.loaders.productAttributes.load(p.id)).map(attributeValue),
    variants: (p: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.allVariantsOfProduct.load(p.id),
    channels: async (p: { id: string }, _: unknown, ctx: Ctx) => channelRowsVisibleToStaff(ctx, await ctx.loaders.channelRowsOfProduct.load(p.id)),
  },
  AdminVariant: {
    options: optionList,
    attributes: async (v: { id: string }, _: unknown, ctx: Ctx) => (await ctx.loaders.variantAttributes.load(v.id)).map(attributeValue),
  },
};
