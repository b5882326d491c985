import { notInChannel } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';

/**
 * A cart holds only what the caller's channel sells: the catalog, asked with the caller's own context,
 * applies the read paths' visibility. Unknown and hidden look the same (NOT_IN_CHANNEL).
 */
export async function assertSoldInChannel(ctx: OrdersContext, variantIds: string[]): Promise<void> {
  const { hidden } = await ctx.deps.products.shown(ctx, 'Variant', variantIds);
  if (hidden.length > 0) throw notInChannel(ctx.channel.channel, hidden);
}
