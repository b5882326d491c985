import { sql } from 'drizzle-orm';
import type { Tx } from './attributes.service.ts';

/** What a staff write changed; receivers re-read what they need (the event says what moved, not the whole product). */
export type ProductChange = 'CREATED' | 'UPDATED' | 'TRANSLATIONS' | 'MEDIA' | 'VARIANT_CREATED' | 'VARIANT_UPDATED' | 'CHANNEL';

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
