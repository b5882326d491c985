import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';
import { publishableKeys } from '../db/tables.ts';
import { requireCatalogAdmin } from './staff-scope.ts';

export type PublishableKeyRow = typeof publishableKeys.$inferSelect;

/** `pk_` and 32 hex digits (128 random bits): unguessable, though public once a storefront ships it. */
export function newPublishableToken(): string {
  return `pk_${randomBytes(16).toString('hex')}`;
}

const asKey = (r: PublishableKeyRow) => ({
  token: r.token,
  channelCode: r.channel,
  createdAt: r.createdAt.toISOString(),
  revokedAt: r.revokedAt?.toISOString() ?? null,
});
export type PublishableKey = ReturnType<typeof asKey>;

/**
 * A live key and its channel, for a viewer of that channel (a storefront BFF's service principal views
 * every channel). An unknown, revoked or out-of-scope key all answer null: a caller learns nothing more.
 */
export async function findLiveKey(ctx: ProductsContext, token: string): Promise<PublishableKey | null> {
  if (token.length > 128) return null;
  const [row] = await ctx.db.db
    .select()
    .from(publishableKeys)
    .where(and(eq(publishableKeys.token, token), isNull(publishableKeys.revokedAt)));
  return row && staffCan(ctx.channel, 'viewer', row.channel) ? asKey(row) : null;
}

async function requireStorefrontChannel(ctx: ProductsContext, channel: string) {
  requireCatalogAdmin(ctx, channel);
  const found = await ctx.loaders.channel.load(channel);
  if (!found) throw appError('NOT_FOUND', `no sales channel ${channel}`);
  // Trade and till channels know their callers from their tokens; a public key would only widen them.
  if (found.kind !== 'B2C') throw appError('BAD_USER_INPUT', `channel ${channel} is ${found.kind}: publishable keys are for storefront (B2C) channels`);
}

export async function listKeys(ctx: ProductsContext, channel: string): Promise<PublishableKey[]> {
  requireCatalogAdmin(ctx, channel);
  const rows = await ctx.db.db.select().from(publishableKeys).where(eq(publishableKeys.channel, channel)).orderBy(publishableKeys.createdAt);
  return rows.map(asKey);
}

export async function issueKey(ctx: ProductsContext, channel: string): Promise<PublishableKey> {
  await requireStorefrontChannel(ctx, channel);
  const [row] = await ctx.db.db.insert(publishableKeys).values({ token: newPublishableToken(), channel }).returning();
  return asKey(row!);
}

export async function revokeKey(ctx: ProductsContext, token: string): Promise<PublishableKey> {
  const [row] = await ctx.db.db.select().from(publishableKeys).where(eq(publishableKeys.token, token));
  // Scope first, as for channels: an admin of web-us learns nothing about web-eu's keys.
  if (!row || !staffCan(ctx.channel, 'catalog-admin', row.channel)) throw appError('NOT_FOUND', 'no such publishable key');
  if (row.revokedAt) return asKey(row);
  const [revoked] = await ctx.db.db.update(publishableKeys).set({ revokedAt: sql`now()` }).where(eq(publishableKeys.token, token)).returning();
  return asKey(revoked!);
}
