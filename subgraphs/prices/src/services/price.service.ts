import { appError } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';
import { defaultPriceSelection } from '../strategies/default-price-selection.strategy.ts';

const MAX_QUANTITY = 1_000_000;

/** The price of a variant for the caller's channel, customer group, company and quantity. */
export async function priceOf(ctx: PricesContext, variantId: string, quantity: number) {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    throw appError('BAD_USER_INPUT', `quantity must be an integer from 1 to ${MAX_QUANTITY}`, { argument: 'quantity' });
  }
  const candidates = await ctx.loaders.candidates.load(variantId);
  const selection = defaultPriceSelection.select(candidates, quantity);
  const currency = ctx.channel.currency;
  if (selection.kind === 'none') {
    return { __typename: 'PriceNotFound', variantId, currency, message: `no ${currency} price for this variant in this context` };
  }
  if (selection.kind === 'ambiguous') {
    ctx.log.error({ variantId, entries: selection.candidates.map((c) => c.entryId) }, 'ambiguous price configuration');
    return { __typename: 'PriceNotFound', variantId, currency, message: 'price configuration is ambiguous; staff have been notified' };
  }
  const { winner, list } = selection;
  return {
    __typename: 'VariantPrice',
    unit: { amount: winner.amount, currency },
    total: { amount: winner.amount * quantity, currency },
    listPrice: list ? { amount: list.amount, currency } : null,
    compareAt: winner.compareAt !== null ? { amount: winner.compareAt, currency } : null,
    quantity,
    level: winner.level,
    bookId: winner.bookId,
  };
}
