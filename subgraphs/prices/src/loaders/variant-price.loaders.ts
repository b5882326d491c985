import DataLoader from 'dataloader';
import type { PricesContext } from '../context.ts';
import { type VariantPriceAnswer, variantPrices } from '../services/price.service.ts';
import type { PriceLine } from '../services/unit-price.service.ts';

/**
 * Gathers every `Variant.price` of a request into one pricing pass: a listing of 200 variants works out
 * the context's tax rates, channel rules and FX rate once instead of 200 times, and each field awaits
 * one promise instead of a chain of loader calls.
 */
export function createVariantPriceLoaders(ctx: PricesContext) {
  return {
    variantPrice: new DataLoader<PriceLine, VariantPriceAnswer, string>((lines) => variantPrices(ctx, lines), {
      cacheKeyFn: (l) => `${l.quantity}|${l.variantId}`,
    }),
  };
}
export type VariantPriceLoaders = ReturnType<typeof createVariantPriceLoaders>;
