import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * Money is an integer count of minor units plus an ISO 4217 code. Never a float, not in SQL
 * (bigint), not in TypeScript (safe integer), not in GraphQL (the MinorUnits scalar below).
 */
export interface Money {
  amount: number;
  currency: string;
}

/** Minor digits per ISO 4217; everything not listed has 2. */
const MINOR_DIGITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  CLP: 0,
  ISK: 0,
  VND: 0,
  XAF: 0,
  XOF: 0,
  HUF: 2,
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
  LYD: 3,
  IQD: 3,
};

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

export function money(amount: number, currency: string): Money {
  assertMinorUnits(amount);
  return { amount, currency };
}

export function assertMinorUnits(value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of minor units: ${value}`);
}

/**
 * The one rounding rule of the money path: integer division rounded half away from zero,
 * done in BigInt so products of large amounts and rates never pass through a float.
 */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const q = (abs * 2n + denominator) / (denominator * 2n);
  return negative ? -q : q;
}

/** Exchange rates are integers: major units of the quote currency per major unit of the base, times 10^9. */
export const RATE_SCALE = 1_000_000_000n;

/**
 * Converts minor units between currencies with different minor digits (EUR 2 -> JPY 0 -> KWD 3):
 * amount * rate * 10^digits(to) / (10^9 * 10^digits(from)), rounded once with `divRound`. Prices convert
 * base prices with it; reports convert each order at the rate of when it was placed.
 */
export function convertMinor(amount: bigint, from: string, to: string, ratePpb: bigint): bigint {
  const numerator = amount * ratePpb * 10n ** BigInt(minorDigits(to));
  const denominator = RATE_SCALE * 10n ** BigInt(minorDigits(from));
  return divRound(numerator, denominator);
}

function parseMinor(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new GraphQLError('MinorUnits must be an integer number of minor currency units', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/**
 * GraphQL's Int stops at 2^31-1 (21.4M EUR in cents), which a large B2B order passes. MinorUnits
 * carries any safe integer (up to 2^53-1) as a JSON number.
 */
export const MinorUnitsScalar = new GraphQLScalarType({
  name: 'MinorUnits',
  description: 'An integer amount of minor currency units (cents for EUR, yen for JPY, fils for KWD).',
  serialize: (v) => {
    if (typeof v === 'bigint' && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))) {
      // Reachable from input (e.g. a huge price times a huge quantity): the caller's request, not a bug.
      throw new GraphQLError('amount exceeds the largest representable amount (2^53-1 minor units)', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new GraphQLError(`cannot serialize ${String(v)} as MinorUnits`);
    return n;
  },
  parseValue: parseMinor,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return parseMinor(ast.kind === Kind.INT ? Number(ast.value) : ast.value);
    throw new GraphQLError('MinorUnits must be an integer literal', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});
