import type { GraphQLResolveInfo } from 'graphql';
import type { ProductsContext } from '../context.ts';
import { cacheHint } from '@storegraph/kit';
import { appError } from '@storegraph/schema';
import { findChannel } from '../services/channel.service.ts';
import { findProduct, findVariant, listProducts, type FindProductArgs, type ListProductsArgs } from '../services/catalog.service.ts';
import { listAttributeDefinitions } from '../services/attributes.service.ts';
import { adminProduct } from '../services/product-write.service.ts';
import { getBulkJob } from '../services/bulk-import.service.ts';
import { requireAnyCatalogAdmin } from '../services/staff-scope.ts';
import { findLiveKey, listKeys } from '../services/publishable-key.service.ts';

type Ctx = ProductsContext;
type Info = GraphQLResolveInfo;

export const queryResolvers = {
  currentChannel: async (_: unknown, __: unknown, ctx: Ctx, info: Info) => {
    cacheHint(ctx.channel, info, 300);
    // A validly signed context can still name a channel staff have since removed: a client error, not a bug.
    const channel = await ctx.loaders.channel.load(ctx.channel.channel);
    if (!channel) throw appError('NOT_FOUND', `no channel ${ctx.channel.channel}`);
    return channel;
  },
  salesChannel: (_: unknown, args: { code: string }, ctx: Ctx, info: Info) => {
    cacheHint(ctx.channel, info, 300);
    return findChannel(ctx, args.code);
  },
  products: (_: unknown, args: ListProductsArgs, ctx: Ctx, info: Info) => {
    cacheHint(ctx.channel, info);
    return listProducts(ctx, args);
  },
  product: (_: unknown, args: FindProductArgs, ctx: Ctx, info: Info) => {
    cacheHint(ctx.channel, info);
    return findProduct(ctx, args);
  },
  variantsById: (_: unknown, args: { ids: string[] }, ctx: Ctx, info: Info) => {
    if (args.ids.length > 100) throw appError('BAD_USER_INPUT', 'at most 100 ids', { argument: 'ids' });
    cacheHint(ctx.channel, info);
    return ctx.loaders.visibleVariant.loadMany(args.ids);
  },
  variantBySku: (_: unknown, args: { sku: string }, ctx: Ctx, info: Info) => {
    cacheHint(ctx.channel, info);
    // Batched: a quick or bulk order asks for thousands of SKUs as aliases of one document.
    return ctx.loaders.visibleVariantBySku.load(args.sku);
  },
  variantByBarcode: (_: unknown, args: { gtin: string }, ctx: Ctx, info: Info) => {
    cacheHint(ctx.channel, info);
    return findVariant(ctx, { gtin: args.gtin });
  },
  attributeDefinitions: (_: unknown, __: unknown, ctx: Ctx, info: Info) => {
    cacheHint(ctx.channel, info);
    return listAttributeDefinitions(ctx);
  },
  adminProduct: async (_: unknown, args: { id: string }, ctx: Ctx) => {
    requireAnyCatalogAdmin(ctx);
    return adminProduct(ctx, args.id).catch((err) => {
      if ((err as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND') return null;
      throw err;
    });
  },
  bulkJob: (_: unknown, args: { id: string }, ctx: Ctx) => getBulkJob(ctx, args.id),
  publishableKey: (_: unknown, args: { token: string }, ctx: Ctx) => findLiveKey(ctx, args.token),
  publishableKeys: (_: unknown, args: { channel: string }, ctx: Ctx) => listKeys(ctx, args.channel),
};
