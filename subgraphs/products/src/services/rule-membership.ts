import { sql, type SQL } from 'drizzle-orm';
import { attributeValues, categories, channelProducts, channelRules, productCategories, products } from '../db/tables.ts';
import type { Tx } from './attributes.service.ts';

/**
 * Recomputes channel_products.by_rule for a scope (some products, or one channel) in one statement.
 * A product is in a channel by rule when it matches an INCLUDE rule and no EXCLUDE rule of it; a
 * category rule matches the category's descendants too. Rules never touch `assigned` (explicit
 * assignment) nor the overrides, so staff choices survive any rule change.
 */
export async function refreshRuleMembership(tx: Tx, scope: { productIds: string[] } | { channel: string }): Promise<void> {
  if ('productIds' in scope && scope.productIds.length === 0) return;
  // One recompute at a time, held to commit: a recompute that waited here starts after the other's write
  // committed and so sees it. Without it, a rule change and a product edit racing could each miss the
  // other's uncommitted write and leave by_rule wrong (e.g. an excluded product still visible).
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('storegraph:products:rule-membership'))`);
  const productScope: SQL =
    'productIds' in scope
      ? sql`${products.id} in (${sql.join(
          scope.productIds.map((id) => sql`${id}`),
          sql`, `,
        )})`
      : sql`true`;
  const ruleScope: SQL = 'channel' in scope ? sql`r.channel = ${scope.channel}` : sql`true`;
  const rowScope: SQL =
    'productIds' in scope
      ? sql`${channelProducts.productId} in (${sql.join(
          scope.productIds.map((id) => sql`${id}`),
          sql`, `,
        )})`
      : sql`${channelProducts.channel} = ${scope.channel}`;
  await tx.execute(sql`
    with recursive closure(ancestor, descendant) as (
      select id, id from ${categories}
      union all
      select closure.ancestor, c.id from closure join ${categories} c on c.parent_id = closure.descendant
    ),
    matches as (
      select r.channel, r.effect, ${products.id} as product_id
      from ${channelRules} r join ${products} on ${productScope} and (
        (r.kind = 'BRAND' and ${products.brandId} = r.brand_id)
        or (r.kind = 'CATEGORY' and exists (
          select 1 from ${productCategories} pc join closure on closure.descendant = pc.category_id
          where pc.product_id = ${products.id} and closure.ancestor = r.category_id))
        or (r.kind = 'ATTRIBUTE' and exists (
          select 1 from ${attributeValues} av
          where av.product_id = ${products.id} and av.attribute_code = r.attribute_code and av.value = r.attribute_value))
      )
      where ${ruleScope}
    ),
    wanted as (
      select channel, product_id from matches group by channel, product_id
      having bool_or(effect = 'INCLUDE') and not bool_or(effect = 'EXCLUDE')
    ),
    added as (
      insert into ${channelProducts} (channel, product_id, by_rule)
      select channel, product_id, true from wanted
      on conflict (channel, product_id) do update set by_rule = true where ${channelProducts.byRule} = false
      returning 1
    )
    update ${channelProducts} set by_rule = false
    where ${channelProducts.byRule} and ${rowScope}
      and not exists (select 1 from wanted w where w.channel = ${channelProducts.channel} and w.product_id = ${channelProducts.productId})`);
}
