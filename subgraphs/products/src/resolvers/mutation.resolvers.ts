import type { ProductsContext } from '../context.ts';
import * as products from '../services/product-write.service.ts';
import * as variants from '../services/variant-write.service.ts';
import * as channels from '../services/channel-assignment.service.ts';
import { defineAttribute } from '../services/attributes.service.ts';
import { issueKey, revokeKey } from '../services/publishable-key.service.ts';
import { createSalesChannel, updateSalesChannel } from '../services/channel-admin.service.ts';
import { startBulkUpsertVariants, type BulkUpsertInput } from '../services/bulk-import.service.ts';

type Ctx = ProductsContext;
type Versioned = { id: string; expectedVersion: number };

/** Thin: argument shaping and one service call each; scope checks live in the services. */
export const mutationResolvers = {
  createProduct: (_: unknown, a: { input: products.CreateProductInput }, ctx: Ctx) => products.createProduct(ctx, a.input),
  updateProduct: (_: unknown, a: Versioned & { input: products.UpdateProductInput }, ctx: Ctx) => products.updateProduct(ctx, a.id, a.expectedVersion, a.input),
  archiveProduct: (_: unknown, a: Versioned, ctx: Ctx) => products.archiveProduct(ctx, a.id, a.expectedVersion),
  setProductTranslations: (_: unknown, a: Versioned & { translations: Parameters<typeof products.setProductTranslations>[3] }, ctx: Ctx) =>
    products.setProductTranslations(ctx, a.id, a.expectedVersion, a.translations),
  addProductMedia: (_: unknown, a: Versioned & { media: Parameters<typeof products.addProductMedia>[3] }, ctx: Ctx) =>
    products.addProductMedia(ctx, a.id, a.expectedVersion, a.media),
  createVariant: (_: unknown, a: { productId: string; input: variants.VariantInput }, ctx: Ctx) => variants.createVariant(ctx, a.productId, a.input),
  updateVariant: (_: unknown, a: Versioned & { input: variants.UpdateVariantInput }, ctx: Ctx) => variants.updateVariant(ctx, a.id, a.expectedVersion, a.input),
  archiveVariant: (_: unknown, a: Versioned, ctx: Ctx) => variants.archiveVariant(ctx, a.id, a.expectedVersion),
  defineAttribute: (_: unknown, a: { input: Parameters<typeof defineAttribute>[1] }, ctx: Ctx) => defineAttribute(ctx, a.input),
  setChannelProduct: (_: unknown, a: { channel: string; productId: string; input: channels.ChannelProductInput }, ctx: Ctx) =>
    channels.setChannelProduct(ctx, a.channel, a.productId, a.input),
  addChannelRule: (_: unknown, a: { channel: string; input: channels.ChannelRuleInput }, ctx: Ctx) => channels.addChannelRule(ctx, a.channel, a.input),
  removeChannelRule: (_: unknown, a: { id: string }, ctx: Ctx) => channels.removeChannelRule(ctx, a.id),
  bulkUpsertVariants: (_: unknown, a: { input: BulkUpsertInput }, ctx: Ctx) => startBulkUpsertVariants(ctx, a.input),
  issuePublishableKey: (_: unknown, a: { channel: string }, ctx: Ctx) => issueKey(ctx, a.channel),
  revokePublishableKey: (_: unknown, a: { token: string }, ctx: Ctx) => revokeKey(ctx, a.token),
  createSalesChannel: (_: unknown, a: { input: Parameters<typeof createSalesChannel>[1] }, ctx: Ctx) => createSalesChannel(ctx, a.input),
  updateSalesChannel: (_: unknown, a: { code: string; input: Parameters<typeof updateSalesChannel>[2] }, ctx: Ctx) => updateSalesChannel(ctx, a.code, a.input),
};
