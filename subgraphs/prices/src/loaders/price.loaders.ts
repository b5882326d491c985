import DataLoader from 'dataloader';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { groupByKey } from '@storegraph/kit';
import { priceBooks, priceEntries } from '../db/tables.ts';
import type { PricesContext } from '../context.ts';
import type { PriceCandidate } from '../strategies/price-selection.strategy.ts';

/**
 * Every price entry the caller may be priced from: the base books (every currency, as FX sources), the
 * caller's channel book, its customer group's books and its company's contract books. Books of other
 * channels, groups or companies never leave the database. Time windows are judged by the selection
 * strategy (so `priceExplain` can say "expired"), not here.
 */
export function createPriceLoaders(ctx: PricesContext) {
  const { db } = ctx.db;
  const c = ctx.channel;
  const ownChannelOrAll = or(isNull(priceBooks.channel), eq(priceBooks.channel, c.channel));
  const scope = or(
    eq(priceBooks.level, 'BASE'),
    and(eq(priceBooks.level, 'CHANNEL'), eq(priceBooks.channel, c.channel), eq(priceBooks.currency, c.currency)),
    c.customerGroup
      ? and(eq(priceBooks.level, 'GROUP'), eq(priceBooks.customerGroup, c.customerGroup), ownChannelOrAll, eq(priceBooks.currency, c.currency))
      : undefined,
    c.companyId ? and(eq(priceBooks.level, 'COMPANY'), eq(priceBooks.companyId, c.companyId), ownChannelOrAll, eq(priceBooks.currency, c.currency)) : undefined,
  );
  return {
    candidates: new DataLoader<string, PriceCandidate[]>(async (variantIds) => {
      const rows = await db
        .select({
          entryId: priceEntries.id,
          variantId: priceEntries.variantId,
          bookId: priceEntries.bookId,
          bookName: priceBooks.name,
          level: priceBooks.level,
          currency: priceBooks.currency,
          taxIncluded: priceBooks.taxIncluded,
          amount: priceEntries.amount,
          compareAt: priceEntries.compareAt,
          minQuantity: priceEntries.minQuantity,
          validFrom: priceEntries.validFrom,
          validTo: priceEntries.validTo,
        })
        .from(priceEntries)
        .innerJoin(priceBooks, eq(priceBooks.id, priceEntries.bookId))
        .where(and(inArray(priceEntries.variantId, [...variantIds]), scope))
        .orderBy(sql`${priceEntries.id}`);
      return groupByKey(variantIds, rows, (r) => r.variantId);
    }),
  };
}
export type PriceLoaders = ReturnType<typeof createPriceLoaders>;
