import type { StockContext } from '../context.ts';
import type { LocationAvailabilityRow, VariantAvailability } from '../loaders/stock.loaders.ts';

/**
 * Availability of a variant in the caller's channel: per bound location, what this channel could reserve
 * there now (its own fence plus the shared pool left after other channels' fences, see stock.sellable),
 * summed. Backorders add to what can be ordered, not to what is in stock. The loader sums per batch, so a
 * listing of 200 variants does no work per variant here.
 */
export function availabilityOf(ctx: StockContext, variantId: string): Promise<VariantAvailability> {
  return ctx.loaders.availability.load(variantId);
}

/** The locations where customers can collect, computed only when asked for. */
export function pickupLocationsOf(availability: VariantAvailability): LocationAvailabilityRow[] {
  return availability.locations.filter((l) => l.pickup);
}

export async function backorderOf(ctx: StockContext, variantId: string) {
  const policy = await ctx.loaders.backorderPolicy.load(variantId);
  if (!policy || policy.limit === 0) return { allowed: false, limit: 0, remaining: 0 };
  return { allowed: true, limit: policy.limit, remaining: Math.max(0, policy.limit - policy.backordered) };
}
