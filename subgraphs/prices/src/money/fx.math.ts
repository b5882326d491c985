// The conversion itself is shared with the reports (orders): @storegraph/schema's money module.
export { RATE_SCALE, convertMinor } from '@storegraph/schema';
import { RATE_SCALE } from '@storegraph/schema';
const RATE_DECIMALS = 9;

/**
 * Parses a decimal rate ("161.5", "0.3321") into parts per 10^9 without passing through a float.
 * Returns null for anything that is not a positive decimal with at most 9 fractional digits.
 */
export function parseDecimalRate(text: string): bigint | null {
  const match = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = (match[2] ?? '').padEnd(RATE_DECIMALS, '0');
  const ppb = BigInt(match[1]!) * RATE_SCALE + BigInt(fraction);
  return ppb > 0n ? ppb : null;
}

/** The inverse of `parseDecimalRate`, for display. */
export function formatRate(ppb: bigint): string {
  const whole = ppb / RATE_SCALE;
  const fraction = (ppb % RATE_SCALE).toString().padStart(RATE_DECIMALS, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
