import { sql } from 'drizzle-orm';
import type { Tx } from './attributes.service.ts';

/** What a staff write changed; receivers re-read what they need (the event says what moved, not the whole product). */
export type ProductChange =
  | 'CREATED'
  | 'UPDATED'
  | 'TRANSLATIONS'
  | 'MEDIA'
  | 'VARIANT_CREATED'
  | 'VARIANT_UPDATED'
  | 'CHANNEL'
  | 'CHANNEL_RULE'
  | 'BULK_IMPORT';

/**
 * Locks the product row for the rest of the transaction and answers the channels it is visible in (the one
 * rule of visibility.ts: active, assigned or in by rule, not hidden). Called first in a write, so the
 * event knows where the product was seen before; the lock makes events of one product take outbox ids (and
 * so versions) in commit order. No row (an unknown product) answers null and locks nothing.
 */
export async function lockVisibleChannels(tx: Tx, productId: string): Promise<string[] | null> {
  const rows = (await tx.execute(sql`
    select (select coalesce(json_agg(cp.channel order by cp.channel), '[]')::text from products.channel_products cp
        where cp.product_id = p.id and (cp.assigned or cp.by_rule) and cp.visible and p.status = 'ACTIVE') as channels
    from products.products p where p.id = ${productId} for update of p`)) as unknown as { channels: string }[];
  // JSON text: the same answer whichever array and json parsers the pool has.
  return rows[0] ? (JSON.parse(rows[0].channels) as string[]) : null;
}

/**
 * Writes product.updated in the caller's transaction, last in the write: `channels` is every channel the
 * product was visible in before or after, so a storefront that stops showing it hears about it too.
 */
export async function writeProductUpdated(tx: Tx, productId: string, before: string[], change: ProductChange, variantId: string | null = null) {
  const after = (await lockVisibleChannels(tx, productId)) ?? [];
  const channels = [...new Set([...before, ...after])].sort();
  // Lists go as JSON text: drizzle would spread a JS array into a parameter list.
  await tx.execute(sql`
    with n as (select nextval('products.outbox_id_seq') as id),
    p as (select status, version from products.products where id = ${productId})
    insert into products.outbox (id, type, channels, aggregate_id, aggregate_version, data)
    select n.id, 'product.updated', array(select jsonb_array_elements_text(${JSON.stringify(channels)}::jsonb)), ${productId}, n.id, jsonb_build_object(
      'productId', ${productId}::text, 'change', ${change}::text, 'variantId', ${variantId}::text,
      'status', p.status, 'productVersion', p.version,
      'channelsBefore', ${JSON.stringify(before)}::jsonb, 'channelsAfter', ${JSON.stringify(after)}::jsonb)
    from n, p`);
}

/** Where a channel shows products now: the rule of visibility.ts for one channel. */
const visibleInChannel = (channel: string) => sql`
  select cp.product_id from products.channel_products cp join products.products p on p.id = cp.product_id
  where cp.channel = ${channel} and (cp.assigned or cp.by_rule) and cp.visible and p.status = 'ACTIVE'`;

/**
 * A channel rule change (`change` recomputes by_rule) announces every product whose visibility in the
 * channel it changed, in one INSERT whatever their number: channels are where each product is visible now
 * plus the rule's channel (it was visible there before or is now). Not ordered against a concurrent edit of
 * the same product by its row lock, as single-product writes are; rule recomputes run one at a time.
 */
export async function announceRuleVisibility(tx: Tx, channel: string, change: () => Promise<void>) {
  const before = (await tx.execute(visibleInChannel(channel))) as unknown as { product_id: string }[];
  await change();
  await tx.execute(sql`
    with before as (select value as product_id from jsonb_array_elements_text(${JSON.stringify(before.map((r) => r.product_id))}::jsonb)),
    after as (${visibleInChannel(channel)}),
    changed as ((select product_id from before except select product_id from after)
      union (select product_id from after except select product_id from before)),
    rows as (
      select c.product_id, nextval('products.outbox_id_seq') as id, exists (select 1 from before b where b.product_id = c.product_id) as was,
        (select coalesce(jsonb_agg(cp.channel order by cp.channel), '[]') from products.channel_products cp join products.products p on p.id = cp.product_id
          where cp.product_id = c.product_id and (cp.assigned or cp.by_rule) and cp.visible and p.status = 'ACTIVE') as now_in
      from (select product_id from changed order by product_id) c),
    shaped as (
      select r.*, case when r.was
          then (select jsonb_agg(x order by x) from (select jsonb_array_elements_text(r.now_in) as x union select ${channel}::text) u)
          else (select coalesce(jsonb_agg(x order by x), '[]') from jsonb_array_elements_text(r.now_in) x where x <> ${channel}) end as then_in
      from rows r)
    insert into products.outbox (id, type, channels, aggregate_id, aggregate_version, data)
    select s.id, 'product.updated', array(select x from jsonb_array_elements_text(s.now_in) x union select ${channel}::text order by 1),
      s.product_id, s.id, jsonb_build_object('productId', s.product_id, 'change', 'CHANNEL_RULE', 'variantId', null,
        'status', p.status, 'productVersion', p.version, 'channelsBefore', s.then_in, 'channelsAfter', s.now_in)
    from shaped s join products.products p on p.id = s.product_id order by s.id`);
}

/** The channels each product is visible in, for many products in one statement (product id -> channels). */
export async function visibleChannelsOf(tx: Tx, productIds: string[]): Promise<Record<string, string[]>> {
  if (productIds.length === 0) return {};
  const [row] = (await tx.execute(sql`
    select coalesce(jsonb_object_agg(p.id, (select coalesce(jsonb_agg(cp.channel order by cp.channel), '[]') from products.channel_products cp
        where cp.product_id = p.id and (cp.assigned or cp.by_rule) and cp.visible and p.status = 'ACTIVE')), '{}')::text as channels
    from products.products p where p.id in (select jsonb_array_elements_text(${JSON.stringify(productIds)}::jsonb))`)) as unknown as { channels: string }[];
  return JSON.parse(row!.channels) as Record<string, string[]>;
}

/**
 * product.updated for many products in one INSERT (a bulk import's chunk), `before` read by
 * visibleChannelsOf at the start of the write. Unlike single writes it takes no product row locks: a
 * 10,000-row import would hold every product it touches until it commits.
 */
export async function writeProductsUpdated(tx: Tx, before: Record<string, string[]>, change: ProductChange) {
  if (Object.keys(before).length === 0) return;
  await tx.execute(sql`
    with b as (select key as product_id, value as then_in from jsonb_each(${JSON.stringify(before)}::jsonb)),
    rows as (
      select b.*, nextval('products.outbox_id_seq') as id,
        (select coalesce(jsonb_agg(cp.channel order by cp.channel), '[]') from products.channel_products cp join products.products p on p.id = cp.product_id
          where cp.product_id = b.product_id and (cp.assigned or cp.by_rule) and cp.visible and p.status = 'ACTIVE') as now_in
      from (select * from b order by product_id) b)
    insert into products.outbox (id, type, channels, aggregate_id, aggregate_version, data)
    select r.id, 'product.updated', array(select jsonb_array_elements_text(r.then_in) union select jsonb_array_elements_text(r.now_in) order by 1),
      r.product_id, r.id, jsonb_build_object('productId', r.product_id, 'change', ${change}::text, 'variantId', null,
        'status', p.status, 'productVersion', p.version, 'channelsBefore', r.then_in, 'channelsAfter', r.now_in)
    from rows r join products.products p on p.id = r.product_id order by r.id`);
}
