/** A reservation request's limits, validation and identity (the hash an idempotency key is checked against). */
import { createHash } from 'node:crypto';
import { appError } from '@storegraph/schema';
import type { ShipTo } from './ship-to.coordinates.ts';

export const RESERVATION_LIMITS = {
  // A CSV bulk order of 5,000 lines (orders CART_LIMITS.maxCartLines) reserves in one call, all or nothing.
  maxLines: 5_000,
  maxQuantity: 100_000,
  minTtlSeconds: 1,
  maxTtlSeconds: 86_400,
  maxKeyLength: 200,
} as const;

export interface ReserveStockInput {
  idempotencyKey: string;
  lines: { variantId: string; quantity: number }[];
  ttlSeconds: number;
  /** Where the order goes; routing ranks locations by distance from it (none: by the channel's priority). */
  shipTo?: ShipTo | null;
  /** Click & collect: the channel's pickup shop the customer collects from; routing uses it alone. */
  pickupLocationId?: string | null;
  /** Endless aisle: the shop or warehouse a till's order takes its units from (aisle-source.service.ts). */
  sourceLocationId?: string | null;
}

export function badInput(message: string, argument: string): never {
  throw appError('BAD_USER_INPUT', message, { argument });
}

/** Validates and merges lines: the same variant on two lines is one line with the summed quantity. */
export function normaliseReservation(input: ReserveStockInput): { key: string; lines: [string, number][]; ttlSeconds: number } {
  const L = RESERVATION_LIMITS;
  const key = input.idempotencyKey.trim();
  if (key.length === 0 || key.length > L.maxKeyLength) badInput(`idempotencyKey must be 1 to ${L.maxKeyLength} characters`, 'idempotencyKey');
  if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds < L.minTtlSeconds || input.ttlSeconds > L.maxTtlSeconds) {
    badInput(`ttlSeconds must be from ${L.minTtlSeconds} to ${L.maxTtlSeconds}`, 'ttlSeconds');
  }
  if (input.lines.length === 0) badInput('a reservation needs at least one line', 'lines');
  if (input.lines.length > L.maxLines) badInput(`a reservation has at most ${L.maxLines} lines`, 'lines');
  const merged = new Map<string, number>();
  input.lines.forEach((line, i) => {
    if (line.variantId.length === 0 || line.variantId.length > 64) badInput(`lines[${i}].variantId is not a variant id`, `lines.${i}.variantId`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > L.maxQuantity) {
      badInput(`lines[${i}].quantity must be from 1 to ${L.maxQuantity}`, `lines.${i}.quantity`);
    }
    merged.set(line.variantId, (merged.get(line.variantId) ?? 0) + line.quantity);
  });
  for (const [variantId, quantity] of merged) {
    if (quantity > L.maxQuantity) badInput(`the lines for ${variantId} add up to more than ${L.maxQuantity}`, 'lines');
  }
  const lines = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { key, lines, ttlSeconds: input.ttlSeconds };
}

/**
 * Same merged lines, TTL (and source location) = same request, whatever the line order or split. Without a
 * source the hash is what it was before the endless aisle, so keys in flight across a deploy still replay.
 */
export function requestHash(lines: [string, number][], ttlSeconds: number, sourceLocationId?: string | null): string {
  return createHash('sha256')
    .update(JSON.stringify(sourceLocationId ? { lines, ttlSeconds, sourceLocationId } : { lines, ttlSeconds }))
    .digest('hex');
}
