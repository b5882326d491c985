import type { StockContext } from '../context.ts';

/**
 * Availability of a variant in the caller's channel: per bound location, what this channel could reserve
 * there now (its own fence plus the shared pool left after other channels' fences, see stock.sellable),
 * summed. Backorders add to what can be ordered, not to what is in stock.
 */
export async function availabilityOf(ctx: StockContext, variantId: string) {
  const perLocation = await ctx.loaders.availabilityByVariant.load(variantId);
  const available = perLocation.reduce((sum, l) => sum + l.available, 0);
  return {
    variantId,
    available,
    inStock: available > 0,
    locations: perLocation,
    pickupLocations: perLocation.filter((l) => l.pickup),
  };
}

export async function backorderOf(ctx: StockContext, variantId: string) {
  const policy = await ctx.loaders.backorderPolicy.load(variantId);
  if (!policy || policy.limit === 0) return { allowed: false, limit: 0, remaining: 0 };
  return { allowed: true, limit: policy.limit, remaining: Math.max(0, policy.limit - policy.backordered) };
}
