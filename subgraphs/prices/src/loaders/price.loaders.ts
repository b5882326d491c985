import DataLoader from 'dataloader';
import { and, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { groupByKey } from '@storegraph/kit';
import { priceBooks, priceEntries } from '../db/tables.ts';
import type { PricesContext } from '../context.ts';
import type { PriceCandidate } from '../strategies/price-selection.strategy.ts';

/**
 * Every price entry the caller may be priced from, in the caller's currency: the base book, the
 * caller's channel book, its customer group's books and its company's contract books. Books of other
 * channels, groups or companies never leave the database.
 */
export function createPriceLoaders(ctx: PricesContext) {
  const { db } = ctx.db;
  const c = ctx.channel;
  const scope = or(
    eq(priceBooks.level, 'BASE'),
    and(eq(priceBooks.level, 'CHANNEL'), eq(priceBooks.channel, c.channel)),
    c.customerGroup
      ? and(eq(priceBooks.level, 'GROUP'), eq(priceBooks.customerGroup, c.customerGroup), or(isNull(priceBooks.channel), eq(priceBooks.channel, c.channel)))
      : undefined,
    c.companyId
      ? and(eq(priceBooks.level, 'COMPANY'), eq(priceBooks.companyId, c.companyId), or(isNull(priceBooks.channel), eq(priceBooks.channel, c.channel)))
      : undefined,
  );
  return {
    candidates: new DataLoader<string, PriceCandidate[]>(async (variantIds) => {
      const now = new Date();
      const rows = await db
        .select({
          entryId: priceEntries.id,
          variantId: priceEntries.variantId,
          bookId: priceEntries.bookId,
          level: priceBooks.level,
          currency: priceBooks.currency,
          amount: priceEntries.amount,
          compareAt: priceEntries.compareAt,
          minQuantity: priceEntries.minQuantity,
          validFrom: priceEntries.validFrom,
          validTo: priceEntries.validTo,
        })
        .from(priceEntries)
        .innerJoin(priceBooks, eq(priceBooks.id, priceEntries.bookId))
        .where(
          and(
            inArray(priceEntries.variantId, [...variantIds]),
            eq(priceBooks.currency, c.currency),
            scope,
            or(isNull(priceEntries.validFrom), lte(priceEntries.validFrom, now)),
            or(isNull(priceEntries.validTo), gt(priceEntries.validTo, now)),
          ),
        )
        .orderBy(sql`1`);
      return groupByKey(variantIds, rows, (r) => r.variantId);
    }),
  };
}
export type PriceLoaders = ReturnType<typeof createPriceLoaders>;
