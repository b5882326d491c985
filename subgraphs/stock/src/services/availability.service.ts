import type { StockContext } from '../context.ts';

/** Availability of a variant in the caller's channel: the sum over the locations the channel sells from. */
export async function availabilityOf(ctx: StockContext, variantId: string) {
  const perLocation = await ctx.loaders.availabilityByVariant.load(variantId);
  const available = perLocation.reduce((sum, l) => sum + l.available, 0);
  return { available, inStock: available > 0, locations: perLocation };
}
