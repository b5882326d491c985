import { sql } from 'drizzle-orm';
import type { ChannelContext } from '@storegraph/schema';
import type { OrdersDb } from '../context.ts';
import type { CheckoutRow, QuoteUnusableCode } from './checkout.types.ts';

type Db = OrdersDb['db'];

type ClaimRow = {
  claimed: number;
  status: string | null;
  expired: boolean | null;
  ours: boolean | null;
  same_lines: boolean | null;
  units: { v: string; unit: number }[] | null;
};

/**
 * The checkout takes the quote for itself: one UPDATE fenced on the quote being PROPOSED and unexpired,
 * being the buyer's own, for this very cart, and quoting exactly the lines the cart holds now. Two checkouts
 * of one quote queue on its row lock and the second finds it taken (ALREADY_USED). Taking it again with the
 * same checkout (a retry or recovery) is a no-op that succeeds.
 */
export async function claimQuote(
  db: Db,
  checkout: CheckoutRow,
  context: ChannelContext,
  lines: { variantId: string; quantity: number }[],
): Promise<{ units: Map<string, number> } | { code: QuoteUnusableCode }> {
  const q = checkout.quoteId!;
  const cartLines = JSON.stringify(lines.map((l) => ({ v: l.variantId, n: l.quantity })));
  const [row] = await db.execute<ClaimRow>(sql`
    with quote as (
      select q.*, (select coalesce(jsonb_agg(jsonb_build_array(l.variant_id, l.quantity) order by l.variant_id), '[]'::jsonb)
          from orders.quote_lines l where l.quote_id = q.id)
        = (select coalesce(jsonb_agg(jsonb_build_array(c.v, c.n) order by c.v), '[]'::jsonb) from jsonb_to_recordset(${cartLines}::jsonb) as c(v text, n int))
        as same_lines
      from orders.quotes q
      where q.id = ${q}::uuid and q.channel = ${checkout.channel} and q.company_id = ${context.companyId ?? ''}
        and q.requested_by = ${context.customerId ?? ''}),
    claimed as (
      update orders.quotes q set status = 'ORDERING', checkout_id = ${checkout.id}::uuid, version = q.version + 1, updated_at = now()
      from quote
      where q.id = quote.id and quote.same_lines and q.cart_id = ${checkout.cartId}::uuid
        and ((q.status = 'PROPOSED' and q.expires_at > now()) or (q.status = 'ORDERING' and q.checkout_id = ${checkout.id}::uuid))
      returning q.id)
    select (select count(*) from claimed)::int as claimed, quote.status, quote.expires_at <= now() as expired,
      quote.checkout_id = ${checkout.id}::uuid as ours, quote.same_lines and quote.cart_id = ${checkout.cartId}::uuid as same_lines,
      (select jsonb_agg(jsonb_build_object('v', l.variant_id, 'unit', l.unit_amount)) from orders.quote_lines l where l.quote_id = quote.id) as units
    from (select 1) one left join quote on true`);
  if (!row || row.status === null) return { code: 'NOT_FOUND' };
  if (row.claimed === 1) return { units: new Map((row.units ?? []).map((u) => [u.v, Number(u.unit)])) };
  if (row.status === 'REJECTED') return { code: 'REJECTED' };
  if (row.status === 'REQUESTED') return { code: 'NOT_PROPOSED' };
  if (row.status === 'ORDERING') return { code: 'ALREADY_USED' };
  if (row.expired) return { code: 'EXPIRED' };
  if (!row.same_lines) return { code: 'CART_CHANGED' };
  // PROPOSED and unexpired when this statement began, yet not ours: another checkout took it meanwhile.
  return { code: 'ALREADY_USED' };
}

/** The checkout that held the quote was undone (or refused before the order): the quote can be ordered again. */
export async function releaseQuote(db: Db, checkout: CheckoutRow): Promise<void> {
  if (!checkout.quoteId) return;
  await db.execute(sql`
    update orders.quotes set status = 'PROPOSED', checkout_id = null, version = version + 1, updated_at = now()
    where id = ${checkout.quoteId}::uuid and checkout_id = ${checkout.id}::uuid and status = 'ORDERING'`);
}
