import { eq } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';
import { salesChannels } from '../db/tables.ts';
import { rethrowAsClientError } from './db-errors.ts';
import { ALL_CHANNELS, requireCatalogAdmin } from './staff-scope.ts';

type Channel = typeof salesChannels.$inferSelect;

const bad = (field: string, message: string) => appError('BAD_USER_INPUT', message, { reason: 'INVALID_VALUE', field });

/** The rules every channel definition keeps, whoever writes it. */
function check(c: Pick<Channel, 'name' | 'defaultLocale' | 'locales' | 'country'>) {
  if (!c.name.trim() || c.name.length > 100) throw bad('name', 'a name is 1 to 100 characters');
  if (c.locales.length === 0 || c.locales.length > 20) throw bad('locales', 'one to 20 locales');
  const badLocale = c.locales.find((l) => !/^[a-z]{2}(-[A-Z]{2})?$/.test(l));
  if (badLocale) throw bad('locales', `${badLocale} is not a locale such as de-DE`);
  if (!c.locales.includes(c.defaultLocale)) throw bad('defaultLocale', 'the default locale must be one of the locales');
  if (!/^[A-Z]{2}$/.test(c.country)) throw bad('country', 'an ISO 3166-1 alpha-2 country such as DE');
}

/**
 * A new channel. Creating one reaches every later listing, price and stock question, so it needs catalog-admin
 * on every channel. Code, kind and currency never change afterwards: orders, carts and price books refer to them.
 */
export async function createSalesChannel(ctx: ProductsContext, input: Channel) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  if (!/^[a-z][a-z0-9-]{1,63}$/.test(input.code) || input.code === ALL_CHANNELS) throw bad('code', 'a lower-case code such as web-uk');
  if (!/^[A-Z]{3}$/.test(input.currency)) throw bad('currency', 'an ISO 4217 currency such as GBP');
  check(input);
  try {
    const [row] = await ctx.db.db
      .insert(salesChannels)
      .values({ ...input, name: input.name.trim() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw appError('CONFLICT', `channel ${input.code} exists`, { reason: 'ALREADY_EXISTS', field: 'code' });
    return row;
  } catch (err) {
    rethrowAsClientError(err);
  }
}

export async function updateSalesChannel(
  ctx: ProductsContext,
  code: string,
  input: Partial<Pick<Channel, 'name' | 'defaultLocale' | 'locales' | 'country' | 'taxMode'>>,
) {
  requireCatalogAdmin(ctx, code);
  const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as Partial<Channel>;
  return ctx.db.db.transaction(async (tx) => {
    const [current] = await tx.select().from(salesChannels).where(eq(salesChannels.code, code)).for('update');
    if (!current) throw appError('NOT_FOUND', `no channel ${code}`);
    const next = { ...current, ...patch, name: (patch.name ?? current.name).trim() };
    check(next);
    const [row] = await tx
      .update(salesChannels)
      .set({ name: next.name, defaultLocale: next.defaultLocale, locales: next.locales, country: next.country, taxMode: next.taxMode })
      .where(eq(salesChannels.code, code))
      .returning();
    return row!;
  });
}
