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
 * an amount converts at the rate of its own time (an order at the rate of when it was placed). The latest rate
 * in force either way round wins; one stored the other way round is inverted to 9 decimals (10^18 / ppb,
 * rounded half up: about 10^-9 relative, 10^-6 for currencies a thousand times smaller), and the answer says
 * so in `source`. Same currency: 1. No rate in force at that time: null at that position.
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
    // The latest rate in force either way round: a pair updated daily as EUR->USD beats an old USD->EUR entry.
    const latest = rows.find(
      (r) =>
        r.effectiveFrom.getTime() <= w.at.getTime() &&
        ((r.baseCurrency === w.from && r.quoteCurrency === w.to) || (r.baseCurrency === w.to && r.quoteCurrency === w.from)),
    );
    if (!latest) return null;
    if (latest.baseCurrency === w.from) {
      return {
        baseCurrency: w.from,
        quoteCurrency: w.to,
        rate: formatRate(latest.ratePpb),
        effectiveFrom: latest.effectiveFrom.toISOString(),
        source: latest.source,
      };
    }
    const inverse = latest;
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
