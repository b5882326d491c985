import { divRound, minorDigits } from '@storegraph/schema';

/** Rates are integers: major units of the quote currency per major unit of the base, times 10^9. */
export const RATE_SCALE = 1_000_000_000n;
const RATE_DECIMALS = 9;

/**
 * Converts minor units between currencies with different minor digits (EUR 2 -> JPY 0 -> KWD 3):
 * amount * rate * 10^digits(to) / (10^9 * 10^digits(from)), rounded once with `divRound`.
 */
export function convertMinor(amount: bigint, from: string, to: string, ratePpb: bigint): bigint {
  const numerator = amount * ratePpb * 10n ** BigInt(minorDigits(to));
  const denominator = RATE_SCALE * 10n ** BigInt(minorDigits(from));
  return divRound(numerator, denominator);
}

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
