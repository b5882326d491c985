import { appError } from '@storegraph/schema';

interface PgError {
  code?: string;
  constraint_name?: string;
  constraint?: string;
}

/** drizzle wraps driver errors; the PostgreSQL error (SQLSTATE, constraint) is the cause. */
export function pgErrorOf(err: unknown): PgError | null {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as PgError).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return e as PgError;
  }
  return null;
}

const UNIQUE_REASONS: Record<string, [string, string]> = {
  variants_sku_uq: ['DUPLICATE_SKU', 'sku'],
  variants_gtin_uq: ['DUPLICATE_GTIN', 'gtin'],
  products_slug_unique: ['DUPLICATE_SLUG', 'slug'],
  products_pkey: ['DUPLICATE_ID', 'id'],
  variants_pkey: ['DUPLICATE_ID', 'id'],
  attribute_definitions_pkey: ['DUPLICATE_CODE', 'code'],
};

/**
 * Turns constraint violations into stable client errors: a unique violation is CONFLICT with a reason
 * (DUPLICATE_SKU…), a missing reference is BAD_USER_INPUT (UNKNOWN_REFERENCE). Anything else rethrows.
 */
export function rethrowAsClientError(err: unknown): never {
  const pg = pgErrorOf(err);
  const constraint = pg?.constraint_name ?? pg?.constraint ?? '';
  if (pg?.code === '23505') {
    const [reason, field] = UNIQUE_REASONS[constraint] ?? ['DUPLICATE', undefined];
    throw appError('CONFLICT', `${field ?? 'value'} already exists`, { reason, field, constraint });
  }
  if (pg?.code === '23503') {
    throw appError('BAD_USER_INPUT', `a referenced record does not exist (${constraint})`, { reason: 'UNKNOWN_REFERENCE', constraint });
  }
  throw err;
}
