import { sql } from 'drizzle-orm';
import { staffChannels } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';
import { assertStaff } from './staff-scope.ts';

interface IssueRow extends Record<string, unknown> {
  variant_id: string;
  currency: string;
  level: string;
  min_quantity: number;
  a_entry: string;
  a_book: string;
  b_entry: string;
  b_book: string;
}

/**
 * Pairs of entries that can tie under the resolution order: same variant, currency and level, scopes
 * that can apply to one caller (a channel-less group/company book overlaps the channel-bound one), the
 * same tier and window start, and overlapping windows. Each such pair makes `Variant.price` answer
 * PriceNotFound(AMBIGUOUS) instead of guessing. Staff see the issues of the channels they are scoped to
 * (channel-less books only with a `*` scope).
 */
export async function pricingConfigurationIssues(ctx: PricesContext) {
  assertStaff(ctx, ctx.channel.channel, ['pricing-admin', 'viewer']);
  const held = staffChannels(ctx.channel, ['pricing-admin', 'viewer']);
  const all = held.includes('*');
  // One text parameter: drizzle would spread a JS array into one parameter per element.
  const channels = held.join(',');
  const rows = await ctx.db.db.execute<IssueRow>(sql`
    select a.variant_id, ba.currency, ba.level::text as level, a.min_quantity,
           a.id::text as a_entry, a.book_id as a_book, b.id::text as b_entry, b.book_id as b_book
    from prices.price_entries a
    join prices.price_books ba on ba.id = a.book_id
    join prices.price_entries b on b.variant_id = a.variant_id and b.id > a.id
      and b.min_quantity = a.min_quantity and b.valid_from is not distinct from a.valid_from
    join prices.price_books bb on bb.id = b.book_id
    where ba.level = bb.level and ba.currency = bb.currency
      and (ba.channel is null or bb.channel is null or ba.channel = bb.channel)
      and (ba.level <> 'GROUP' or ba.customer_group = bb.customer_group)
      and (ba.level <> 'COMPANY' or ba.company_id = bb.company_id)
      and coalesce(a.valid_to, 'infinity') > coalesce(b.valid_from, '-infinity')
      and coalesce(b.valid_to, 'infinity') > coalesce(a.valid_from, '-infinity')
      and coalesce(a.valid_to, 'infinity') > now() and coalesce(b.valid_to, 'infinity') > now()
      and (${all} or (ba.channel = any(string_to_array(${channels}, ',')) and bb.channel = any(string_to_array(${channels}, ','))))
    order by a.variant_id, a.id, b.id
    limit 500`);
  return rows.map((r) => ({
    kind: 'AMBIGUOUS_ENTRIES',
    variantId: r.variant_id,
    currency: r.currency,
    level: r.level,
    minQuantity: r.min_quantity,
    entries: [
      { entryId: r.a_entry, bookId: r.a_book },
      { entryId: r.b_entry, bookId: r.b_book },
    ],
    message: `entries ${r.a_entry} (${r.a_book}) and ${r.b_entry} (${r.b_book}) tie for ${r.variant_id} at ${r.level} ${r.currency} ${r.min_quantity}+`,
  }));
}
