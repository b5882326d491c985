import type { ProductsContext } from '../context.ts';
import { findChannel } from '../services/channel.service.ts';
import { findProduct, findVariant, listProducts, type ListProductsArgs } from '../services/catalog.service.ts';
import type { ProductRow } from '../services/visibility.ts';
import type { MediaRow, VariantRow } from '../loaders/catalog.loaders.ts';

type Ctx = ProductsContext;

export const resolvers = {
  Query: {
    currentChannel: async (_: unknown, __: unknown, ctx: Ctx) => ctx.loaders.channel.load(ctx.channel.channel),
    salesChannel: (_: unknown, args: { code: string }, ctx: Ctx) => findChannel(ctx, args.code),
    products: (_: unknown, args: ListProductsArgs, ctx: Ctx) => listProducts(ctx, args),
    product: (_: unknown, args: { id?: string; slug?: string }, ctx: Ctx) => findProduct(ctx, args),
    variantBySku: (_: unknown, args: { sku: string }, ctx: Ctx) => findVariant(ctx, { sku: args.sku }),
    variantByBarcode: (_: unknown, args: { gtin: string }, ctx: Ctx) => findVariant(ctx, { gtin: args.gtin }),
  },
  SalesChannel: {
    __resolveReference: (ref: { code: string }, ctx: Ctx) => findChannel(ctx, ref.code),
  },
  Product: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.visibleProduct.load(ref.id),
    brand: (p: ProductRow, _: unknown, ctx: Ctx) => (p.brandId ? ctx.loaders.brand.load(p.brandId) : null),
    categories: (p: ProductRow, _: unknown, ctx: Ctx) => ctx.loaders.categoriesOfProduct.load(p.id),
    variants: (p: ProductRow, _: unknown, ctx: Ctx) => ctx.loaders.variantsOfProduct.load(p.id),
    media: (p: ProductRow, _: unknown, ctx: Ctx) => ctx.loaders.mediaOfProduct.load(p.id),
  },
  Category: {
    parent: (c: { parentId: string | null }, _: unknown, ctx: Ctx) => (c.parentId ? ctx.loaders.category.load(c.parentId) : null),
  },
  Media: {
    alt: (m: MediaRow, _: unknown, ctx: Ctx) => m.alt[`${ctx.channel.channel}:${ctx.channel.locale}`] ?? m.alt[ctx.channel.locale] ?? null,
  },
  Variant: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.visibleVariant.load(ref.id),
    options: (v: VariantRow) => Object.entries(v.options).map(([name, value]) => ({ name, value })),
    product: (v: VariantRow, _: unknown, ctx: Ctx) => ctx.loaders.visibleProduct.load(v.productId),
  },
};
