import { eq, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';
import { priceBooks, priceEntries } from '../db/tables.ts';
import type { PriceLevel } from '../strategies/price-selection.strategy.ts';
import { assertCurrency, badInput, MAX_QUANTITY, parseInstant } from './input.validation.ts';
import { assertStaff, isStaffWith } from './staff-scope.ts';

export interface PriceBookInput {
  id: string;
  name: string;
  level: PriceLevel;
  currency: string;
  channel?: string | null;
  customerGroup?: string | null;
  companyId?: string | null;
  taxIncluded: boolean;
}

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

function validateBook(b: PriceBookInput) {
  if (!ID.test(b.id)) throw badInput('INVALID_ID', 'id: 1-64 of letters, digits, _ . : -', { argument: 'input.id' });
  if (!b.name.trim() || b.name.length > 200) throw badInput('INVALID_NAME', 'name: 1-200 characters', { argument: 'input.name' });
  assertCurrency(b.currency, 'input.currency');
  const scope = { channel: b.channel ?? null, customerGroup: b.customerGroup ?? null, companyId: b.companyId ?? null };
  const ok =
    (b.level === 'BASE' && !scope.channel && !scope.customerGroup && !scope.companyId) ||
    (b.level === 'CHANNEL' && scope.channel && !scope.customerGroup && !scope.companyId) ||
    (b.level === 'GROUP' && scope.customerGroup && !scope.companyId) ||
    (b.level === 'COMPANY' && scope.companyId && !scope.customerGroup);
  if (!ok) {
    throw badInput(
      'INVALID_BOOK_SCOPE',
      'BASE books have no scope; CHANNEL books name a channel; GROUP books a customerGroup and COMPANY books a companyId (either optionally a channel)',
      { argument: 'input.level' },
    );
  }
  return scope;
}

/** Creates or updates a book. Level and currency are fixed once a book exists: its entries depend on them. */
export async function upsertPriceBook(ctx: PricesContext, input: PriceBookInput) {
  const scope = validateBook(input);
  assertStaff(ctx, scope.channel);
  const { db } = ctx.db;
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(priceBooks).where(eq(priceBooks.id, input.id)).for('update');
    if (existing) {
      assertStaff(ctx, existing.channel);
      if (existing.level !== input.level || existing.currency !== input.currency) {
        throw badInput('IMMUTABLE_BOOK_FIELD', 'a book keeps its level and currency; create a new book instead', { argument: 'input.level' });
      }
    }
    const values = { id: input.id, name: input.name.trim(), level: input.level, currency: input.currency, taxIncluded: input.taxIncluded, ...scope };
    const [row] = await tx.insert(priceBooks).values(values).onConflictDoUpdate({ target: priceBooks.id, set: values }).returning();
    return row!;
  });
}

export interface PriceEntryInput {
  variantId: string;
  amount: number;
  compareAt?: number | null;
  minQuantity?: number | null;
  validFrom?: string | null;
  validTo?: string | null;
}

export const MAX_IMPORT = 10_000;
const CHUNK = 1_000;

/**
 * Bulk import into one book, all or nothing: every entry is validated first (errors listed by index),
 * then one transaction writes them. An entry with the same (variant, tier, start) as an existing one
 * replaces its price; `replaceAll` empties the book first. Up to 10,000 entries.
 */
export async function importPriceEntries(ctx: PricesContext, bookId: string, entries: PriceEntryInput[], replaceAll: boolean) {
  if (!isStaffWith(ctx, 'pricing-admin')) throw appError('FORBIDDEN', 'requires pricing-admin');
  if (entries.length === 0 || entries.length > MAX_IMPORT) {
    throw badInput('TOO_MANY_ENTRIES', `an import has 1 to ${MAX_IMPORT} entries`, { argument: 'entries' });
  }
  const errors: { index: number; message: string }[] = [];
  const seen = new Set<string>();
  const rows = entries.map((e, index) => {
    const fail = (message: string) => errors.length < 50 && errors.push({ index, message });
    if (!ID.test(e.variantId)) fail('malformed variantId');
    if (!Number.isSafeInteger(e.amount) || e.amount < 0) fail('amount must be a non-negative integer of minor units');
    if (e.compareAt != null && (!Number.isSafeInteger(e.compareAt) || e.compareAt < 0)) fail('compareAt must be a non-negative integer of minor units');
    const minQuantity = e.minQuantity ?? 1;
    if (!Number.isInteger(minQuantity) || minQuantity < 1 || minQuantity > MAX_QUANTITY) fail(`minQuantity must be 1 to ${MAX_QUANTITY}`);
    let validFrom: Date | null = null;
    let validTo: Date | null = null;
    try {
      validFrom = parseInstant(e.validFrom, 'validFrom');
      validTo = parseInstant(e.validTo, 'validTo');
    } catch {
      fail('validFrom/validTo must be ISO-8601 timestamps');
    }
    if (validFrom && validTo && validTo <= validFrom) fail('validTo must be after validFrom');
    const key = `${e.variantId}|${minQuantity}|${validFrom?.getTime() ?? ''}`;
    if (seen.has(key)) fail('the same variant, minQuantity and validFrom appear twice in this import');
    seen.add(key);
    return { bookId, variantId: e.variantId, amount: e.amount, compareAt: e.compareAt ?? null, minQuantity, validFrom, validTo };
  });
  if (errors.length > 0)
    throw badInput('INVALID_ENTRIES', `${errors.length} invalid entries; nothing was imported`, { argument: 'entries', entryErrors: errors });

  const { db } = ctx.db;
  return db.transaction(async (tx) => {
    const [book] = await tx.select({ id: priceBooks.id, channel: priceBooks.channel }).from(priceBooks).where(eq(priceBooks.id, bookId)).for('share');
    if (!book) throw badInput('UNKNOWN_BOOK', `no price book ${bookId}`, { argument: 'bookId' });
    assertStaff(ctx, book.channel);
    let removed = 0;
    if (replaceAll) removed = (await tx.delete(priceEntries).where(eq(priceEntries.bookId, bookId)).returning({ id: priceEntries.id })).length;
    for (let i = 0; i < rows.length; i += CHUNK) {
      await tx
        .insert(priceEntries)
        .values(rows.slice(i, i + CHUNK))
        .onConflictDoUpdate({
          target: [priceEntries.bookId, priceEntries.variantId, priceEntries.minQuantity, priceEntries.validFrom],
          set: { amount: sql`excluded.amount`, compareAt: sql`excluded.compare_at`, validTo: sql`excluded.valid_to` },
        });
    }
    return { bookId, imported: rows.length, removed };
  });
}
