import { inArray, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';
import { fxRates } from '../db/tables.ts';
import { RATE_SCALE, formatRate } from '../money/fx.math.ts';
import { assertCurrency, badInput, parseInstant } from './input.validation.ts';

export interface FxRateAtInput {
  from: string;
  to: string;
  at: string;
}

/** At most this many instants per call: a reports pass asks for one batch of orders at a time. */
const MAX_ASKED = 500;

/**
 * Staff and services (reports): the rate from one currency to another in force at each given instant, so that
 * an amount converts at the rate of its own time (an order at the rate of when it was placed). A pair stored
 * only the other way round is inverted exactly (10^18 / ppb, rounded half up), and the answer says so in
 * `source`. Same currency: 1. No rate in force at that time: null at that position.
 */
export async function fxRatesAt(ctx: PricesContext, asked: FxRateAtInput[]) {
  if (!ctx.channel.staff) throw appError('FORBIDDEN', 'exchange rate history is for staff and services');
  if (asked.length > MAX_ASKED) throw badInput('BAD_USER_INPUT', `at most ${MAX_ASKED} rates per call`, { argument: 'input' });
  const wanted = asked.map((a, i) => {
    assertCurrency(a.from, `input[${i}].from`);
    assertCurrency(a.to, `input[${i}].to`);
    return { ...a, at: parseInstant(a.at, `input[${i}].at`)! };
  });
  const pairs = [...new Set(wanted.filter((w) => w.from !== w.to).flatMap((w) => [`${w.from}${w.to}`, `${w.to}${w.from}`]))];
  const rows = pairs.length
    ? await ctx.db.db
        .select()
        .from(fxRates)
        .where(inArray(sql<string>`${fxRates.baseCurrency} || ${fxRates.quoteCurrency}`, pairs))
        .orderBy(sql`${fxRates.effectiveFrom} desc`)
    : [];
  return wanted.map((w) => {
    if (w.from === w.to) return { baseCurrency: w.from, quoteCurrency: w.to, rate: '1', effectiveFrom: new Date(0).toISOString(), source: 'identity' };
    const inForce = (base: string, quote: string) =>
      rows.find((r) => r.baseCurrency === base && r.quoteCurrency === quote && r.effectiveFrom.getTime() <= w.at.getTime());
    const direct = inForce(w.from, w.to);
    if (direct)
      return {
        baseCurrency: w.from,
        quoteCurrency: w.to,
        rate: formatRate(direct.ratePpb),
        effectiveFrom: direct.effectiveFrom.toISOString(),
        source: direct.source,
      };
    const inverse = inForce(w.to, w.from);
    if (!inverse) return null;
    const ppb = (RATE_SCALE * RATE_SCALE + inverse.ratePpb / 2n) / inverse.ratePpb;
    return {
      baseCurrency: w.from,
      quoteCurrency: w.to,
      rate: formatRate(ppb),
      effectiveFrom: inverse.effectiveFrom.toISOString(),
      source: `inverse of ${inverse.source}`,
    };
  });
}
