import type { ChannelContext } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { quoteCart } from '../clients/prices.client.ts';
import { signCustomerContext } from '../clients/service-context.ts';

export interface CurrentPrice {
  unit: number;
  sku: string;
  taxRateBp: number | null;
}

/** Today's prices (and tax rates) of the variants, for one customer group; `unsold`: what the channel does not price. */
export interface PriceBook {
  current: Map<string, CurrentPrice>;
  unsold: Set<string>;
}

/**
 * Today's price of each variant as the channel would charge it now to a shopper of `group` (null: no group), in one
 * quote of one unit each: an offline sale is honoured as sold, and a unit price that differs from this is flagged
 * PRICE_CHANGED. A sale to a customer of a group is compared with the group's price, so selling at the group's
 * price is no change; the same price to someone without the group is. Variants the channel does not sell or price
 * come back in `unsold`, and the rest is priced again without them.
 */
export async function currentPrices(ctx: OrdersContext, variants: string[], group: string | null): Promise<PriceBook> {
  const current = new Map<string, CurrentPrice>();
  const unsold = new Set<string>();
  if (variants.length === 0) return { current, unsold };
  // The till's own request may carry a customer (x-till-customer): each offline sale is priced for its own.
  const shopper: ChannelContext = { ...ctx.channel, customerId: undefined, customerGroup: group ?? undefined };
  const quote = async (of: string[]) =>
    quoteCart(ctx.deps.prices, await signCustomerContext(shopper, ctx.deps.contextSecret), ctx.channel.requestId, {
      lines: of.map((variantId) => ({ variantId, quantity: 1 })),
      couponCodes: [],
      shipTo: null,
      shippingMethod: null,
    });
  const first = await quote(variants);
  if (first.__typename === 'Quote') for (const l of first.lines) current.set(l.variantId, { unit: l.unit, sku: l.sku, taxRateBp: l.taxRateBp });
  else if (first.__typename === 'QuoteNotPossible') {
    for (const u of first.unpriced) unsold.add(u.variantId);
    const rest = variants.filter((v) => !unsold.has(v));
    if (rest.length) {
      const again = await quote(rest);
      if (again.__typename !== 'Quote') throw serviceUnavailable('prices');
      for (const l of again.lines) current.set(l.variantId, { unit: l.unit, sku: l.sku, taxRateBp: l.taxRateBp });
    }
  } else throw serviceUnavailable('prices');
  return { current, unsold };
}
