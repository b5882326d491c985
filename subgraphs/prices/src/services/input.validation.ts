import { appError } from '@storegraph/schema';

/**
 * Bad input is refused before anything is read or written: BAD_USER_INPUT with a stable `reason` a
 * client can switch on, and the offending `argument`.
 */
export function badInput(reason: string, message: string, extra: Record<string, unknown> = {}) {
  return appError('BAD_USER_INPUT', message, { reason, ...extra });
}

export const MAX_QUANTITY = 1_000_000;

export function assertQuantity(quantity: number, argument = 'quantity'): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    throw badInput('INVALID_QUANTITY', `${argument} must be an integer from 1 to ${MAX_QUANTITY}`, { argument });
  }
}

export const CURRENCY = /^[A-Z]{3}$/;
export function assertCurrency(value: string, argument: string): void {
  if (!CURRENCY.test(value)) throw badInput('INVALID_CURRENCY', `${argument} must be an ISO 4217 code such as EUR`, { argument });
}

/** Parses an optional ISO-8601 timestamp argument; refuses anything Date cannot read exactly. */
export function parseInstant(value: string | null | undefined, argument: string): Date | null {
  if (value === null || value === undefined) return null;
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime())) {
    throw badInput('INVALID_TIMESTAMP', `${argument} must be an ISO-8601 timestamp`, { argument });
  }
  return d;
}
