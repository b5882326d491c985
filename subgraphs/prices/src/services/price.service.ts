import type { PricesContext } from '../context.ts';
import { splitTax } from '../money/tax.math.ts';
import { assertQuantity } from './input.validation.ts';
import { resolveUnitPrice, type UnitPrice, type UnitPriceResult } from './unit-price.service.ts';

const money = (amount: bigint, currency: string) => ({ amount, currency });

export function priceNotFound(r: Extract<UnitPriceResult, { kind: 'not-found' }>) {
  return { __typename: 'PriceNotFound', variantId: r.variantId, currency: r.currency, reason: r.reason, message: r.message };
}

/** The GraphQL shape of a unit price at a quantity: the line's net, tax and gross follow the one tax rule. */
export function variantPrice(p: UnitPrice) {
  const total = p.unit * BigInt(p.quantity);
  const split = splitTax(total, p.taxRateBp, p.taxIncluded);
  const c = p.currency;
  return {
    __typename: 'VariantPrice',
    unit: money(p.unit, c),
    total: money(total, c),
    listPrice: p.list !== null ? money(p.list, c) : null,
    compareAt: p.compareAt !== null ? money(p.compareAt, c) : null,
    net: money(split.net, c),
    tax: money(split.tax, c),
    gross: money(split.gross, c),
    taxIncluded: p.taxIncluded,
    taxRate: { category: p.taxCategory, rateBasisPoints: p.taxRateBp },
    quantity: p.quantity,
    level: p.level,
    bookId: p.bookId,
    converted: p.converted,
    fxSourceCurrency: p.fx?.from ?? null,
  };
}

/** The price of a variant for the caller's channel, customer group, company and quantity. */
export async function priceOf(ctx: PricesContext, variantId: string, quantity: number) {
  assertQuantity(quantity);
  const result = await resolveUnitPrice(ctx, variantId, quantity, { country: ctx.channel.country });
  return result.kind === 'priced' ? variantPrice(result.price) : priceNotFound(result);
}
