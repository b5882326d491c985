import { pgErrorOf, rethrowAsClientError as rethrowWithReasons, type UniqueReasons } from '@storegraph/kit';

export { pgErrorOf };

const UNIQUE_REASONS: UniqueReasons = {
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
  return rethrowWithReasons(err, UNIQUE_REASONS);
}
