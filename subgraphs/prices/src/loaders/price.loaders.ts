import DataLoader from 'dataloader';
import { eq, sql } from 'drizzle-orm';
import { groupByKey, perDatabase } from '@storegraph/kit';
import { priceBooks, priceEntries } from '../db/tables.ts';
import type { PricesContext, PricesDb } from '../context.ts';
import type { PriceCandidate } from '../strategies/price-selection.strategy.ts';

const channel = sql.placeholder('channel');
const currency = sql.placeholder('currency');
const ownChannelOrAll = sql`(${priceBooks.channel} is null or ${priceBooks.channel} = ${channel})`;

/**
 * Every price entry the caller may be priced from: the base books (every currency, as FX sources), the
 * caller's channel book, its customer group's books and its company's contract books. Books of other
 * channels, groups or companies never leave the database. Time windows are judged by the selection
 * strategy (so `priceExplain` can say "expired"), not here.
 *
 * One statement text for every caller: a caller without a group or company binds null there, and
 * `customer_group = null` matches no book, so the GROUP and COMPANY arms simply select nothing.
 */
const statements = perDatabase((db: PricesDb['db']) => ({
  candidates: db
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
    .where(
      sql`${priceEntries.variantId} = any(${sql.placeholder('variantIds')}::text[]) and (
        ${priceBooks.level} = 'BASE'
        or (${priceBooks.level} = 'CHANNEL' and ${priceBooks.channel} = ${channel} and ${priceBooks.currency} = ${currency})
        or (${priceBooks.level} = 'GROUP' and ${priceBooks.customerGroup} = ${sql.placeholder('customerGroup')} and ${ownChannelOrAll} and ${priceBooks.currency} = ${currency})
        or (${priceBooks.level} = 'COMPANY' and ${priceBooks.companyId} = ${sql.placeholder('companyId')} and ${ownChannelOrAll} and ${priceBooks.currency} = ${currency}))`,
    )
    .orderBy(priceEntries.id)
    .prepare('prices_candidates'),
}));

export function createPriceLoaders(ctx: PricesContext) {
  const { candidates } = statements(ctx.db.db);
  const c = ctx.channel;
  // An empty group or company id is no group or company, as it always was.
  const scope = { channel: c.channel, currency: c.currency, customerGroup: c.customerGroup || null, companyId: c.companyId || null };
  return {
    candidates: new DataLoader<string, PriceCandidate[]>(async (variantIds) => {
      const rows = await candidates.execute({ ...scope, variantIds });
      return groupByKey(variantIds, rows, (r) => r.variantId);
    }),
  };
}
export type PriceLoaders = ReturnType<typeof createPriceLoaders>;
