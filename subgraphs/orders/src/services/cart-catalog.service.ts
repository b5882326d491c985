import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';

/**
 * A cart holds only what the caller's channel sells: the catalog, asked with the caller's own context,
 * applies the read paths' visibility. Unknown and hidden look the same (NOT_IN_CHANNEL).
 */
export async function assertSoldInChannel(ctx: OrdersContext, variantIds: string[]): Promise<void> {
  const seen = await ctx.deps.products.entities<{ id: string }>(ctx, 'Variant', variantIds, 'id');
  const hidden = variantIds.filter((_, i) => !seen[i]);
  if (hidden.length > 0) throw appError('NOT_IN_CHANNEL', `not sold in channel ${ctx.channel.channel}: ${hidden.join(', ')}`, { variantIds: hidden });
}
