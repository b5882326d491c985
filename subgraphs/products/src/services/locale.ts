import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';
import { salesChannels } from '../db/tables.ts';

/** The master record (products.name/description) is written in this locale; the last step of every fallback. */
export const CATALOG_DEFAULT_LOCALE = 'en-GB';

const LOCALE_SHAPE = /^[a-z]{2}(-[A-Z]{2})?$/;

/**
 * The caller's channel default locale, as a SQL scalar, so the fallback chain costs no extra statement;
 * null when `when` is given and false.
 */
export function channelDefaultLocaleSql(channel: string | Placeholder, when?: SQL) {
  return sql`(select ${salesChannels.defaultLocale} from ${salesChannels} where ${salesChannels.code} = ${channel}${when ? sql` and ${when}` : sql``})`;
}

/**
 * A locale can be written when a channel sells in it (or it is the catalog default): a translation in a
 * locale nobody reads is a typo, not data.
 */
export async function assertKnownLocales(ctx: ProductsContext, locales: string[]): Promise<void> {
  if (locales.length === 0) return;
  const rows = await ctx.db.db.select({ locales: salesChannels.locales }).from(salesChannels);
  const known = new Set([CATALOG_DEFAULT_LOCALE, ...rows.flatMap((r) => r.locales)]);
  const unknown = locales.filter((l) => !LOCALE_SHAPE.test(l) || !known.has(l));
  if (unknown.length > 0) {
    throw appError('BAD_USER_INPUT', `unknown locale ${unknown.join(', ')}: use one of ${[...known].sort().join(', ')}`, {
      reason: 'UNKNOWN_LOCALE',
      field: 'locale',
      locales: unknown,
    });
  }
}
