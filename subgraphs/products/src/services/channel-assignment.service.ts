import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { appError } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';
import { attributeDefinitions, channelProducts, channelRules } from '../db/tables.ts';
import { canonicalAttributeValue } from './attribute-values.ts';
import { rethrowAsClientError } from './db-errors.ts';
import { announceRuleVisibility, lockVisibleChannels, writeProductUpdated } from './product-events.ts';
import { refreshRuleMembership } from './rule-membership.ts';
import { requireCatalogAdmin } from './staff-scope.ts';

export interface ChannelProductInput {
  assigned?: boolean | null;
  visible?: boolean | null;
  nameOverride?: string | null;
  descriptionOverride?: string | null;
  sortOrder?: number | null;
}
export interface ChannelRuleInput {
  effect: 'INCLUDE' | 'EXCLUDE';
  kind: 'CATEGORY' | 'BRAND' | 'ATTRIBUTE';
  categoryId?: string | null;
  brandId?: string | null;
  attributeCode?: string | null;
  attributeValue?: string | null;
}

async function requireChannel(ctx: ProductsContext, channel: string) {
  // Scope first: a staff member of web-us learns nothing about web-eu, not even whether it exists.
  requireCatalogAdmin(ctx, channel);
  const found = await ctx.loaders.channel.load(channel);
  if (!found) throw appError('NOT_FOUND', `no sales channel ${channel}`);
}

/** Assignment and overrides of one product in one channel. Absent fields stay; null clears an override. */
export async function setChannelProduct(ctx: ProductsContext, channel: string, productId: string, input: ChannelProductInput) {
  await requireChannel(ctx, channel);
  if (input.assigned === null || input.visible === null || input.sortOrder === null) {
    throw appError('BAD_USER_INPUT', 'assigned, visible and sortOrder cannot be null', { reason: 'INVALID_VALUE' });
  }
  for (const [field, v] of [
    ['nameOverride', input.nameOverride],
    ['descriptionOverride', input.descriptionOverride],
  ] as const) {
    if (typeof v === 'string' && (v.trim() === '' || v.length > 2000)) {
      throw appError('BAD_USER_INPUT', `${field} must be 1 to 2000 characters, or null to clear it`, { reason: 'INVALID_VALUE', field });
    }
  }
  const set: Partial<typeof channelProducts.$inferInsert> = {};
  if (input.assigned !== undefined) set.assigned = input.assigned!;
  if (input.visible !== undefined) set.visible = input.visible!;
  if (input.nameOverride !== undefined) set.nameOverride = input.nameOverride;
  if (input.descriptionOverride !== undefined) set.descriptionOverride = input.descriptionOverride;
  if (input.sortOrder !== undefined) set.sortOrder = input.sortOrder!;
  return ctx.db.db.transaction(async (tx) => {
    const before = await lockVisibleChannels(tx, productId);
    if (!before) throw appError('NOT_FOUND', `no product ${productId}`);
    const [row] = await tx
      .insert(channelProducts)
      .values({ channel, productId, ...set })
      .onConflictDoUpdate({ target: [channelProducts.channel, channelProducts.productId], set: Object.keys(set).length ? set : { channel } })
      .returning();
    await writeProductUpdated(tx, productId, before, 'CHANNEL');
    return row!;
  });
}

export async function addChannelRule(ctx: ProductsContext, channel: string, input: ChannelRuleInput) {
  await requireChannel(ctx, channel);
  const need = { CATEGORY: 'categoryId', BRAND: 'brandId', ATTRIBUTE: 'attributeCode' } as const;
  const field = need[input.kind];
  if (!input[field]) throw appError('BAD_USER_INPUT', `a ${input.kind} rule needs ${field}`, { reason: 'MISSING_FIELD', field });
  let attributeValue: string | null = null;
  if (input.kind === 'ATTRIBUTE') {
    const [def] = await ctx.db.db.select().from(attributeDefinitions).where(eq(attributeDefinitions.code, input.attributeCode!));
    const check = canonicalAttributeValue(def, input.attributeCode!, input.attributeValue ?? '');
    if (!check.ok) throw appError('BAD_USER_INPUT', check.message, { reason: check.code, field: 'attributeValue' });
    attributeValue = check.value.value;
  }
  const rule = {
    id: `rul_${randomUUID()}`,
    channel,
    effect: input.effect,
    kind: input.kind,
    categoryId: input.kind === 'CATEGORY' ? input.categoryId! : null,
    brandId: input.kind === 'BRAND' ? input.brandId! : null,
    attributeCode: input.kind === 'ATTRIBUTE' ? input.attributeCode! : null,
    attributeValue,
  };
  try {
    await ctx.db.db.transaction(async (tx) => {
      await tx.insert(channelRules).values(rule);
      await announceRuleVisibility(tx, channel, () => refreshRuleMembership(tx, { channel }));
    });
  } catch (err) {
    rethrowAsClientError(err);
  }
  return rule;
}

export async function removeChannelRule(ctx: ProductsContext, id: string) {
  const [rule] = await ctx.db.db.select({ channel: channelRules.channel }).from(channelRules).where(eq(channelRules.id, id));
  if (!rule) throw appError('NOT_FOUND', `no channel rule ${id}`);
  requireCatalogAdmin(ctx, rule.channel);
  await ctx.db.db.transaction(async (tx) => {
    await tx.delete(channelRules).where(and(eq(channelRules.id, id)));
    await announceRuleVisibility(tx, rule.channel, () => refreshRuleMembership(tx, { channel: rule.channel }));
  });
  return true;
}

/** The staff view of a product's channel rows, limited to channels the staff member administers. */
export function channelRowsVisibleToStaff(ctx: ProductsContext, rows: (typeof channelProducts.$inferSelect)[]) {
  return rows.filter((r) => {
    try {
      requireCatalogAdmin(ctx, r.channel);
      return true;
    } catch {
      return false;
    }
  });
}
