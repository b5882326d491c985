/**
 * The storefront return operations (b2c and b2b) are walked by name in allow-list-walk-admin-returns.test.ts,
 * with an order of that file's own; allow-list-walk.test.ts leaves them to it.
 */
export const RETURN_OPS = ['RequestReturn', 'OrderReturns'];
