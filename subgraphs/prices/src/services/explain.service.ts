import type { PricesContext } from '../context.ts';
import { createPricesContext } from '../context.ts';
import { formatRate } from '../money/fx.math.ts';
import { defaultPriceSelection } from '../strategies/default-price-selection.strategy.ts';
import type { CandidateVerdict } from '../strategies/price-selection.strategy.ts';
import { assertQuantity, badInput } from './input.validation.ts';
import { priceNotFound, variantPrice } from './price.service.ts';
import { assertStaff } from './staff-scope.ts';
import { DEFAULT_FX_SOURCE, resolveUnitPrice } from './unit-price.service.ts';

export interface ExplainAs {
  customerGroup?: string | null;
  companyId?: string | null;
}

/**
 * Every candidate the caller's context could be priced from and why the winner won. It explains the
 * caller's own channel only and sees exactly the books the caller sees. Staff of the channel may ask
 * as a customer group or company (`as`), to answer "why does Acme pay this?".
 */
export async function priceExplain(ctx: PricesContext, variantId: string, quantity: number, as: ExplainAs | null | undefined) {
  assertQuantity(quantity);
  let scoped = ctx;
  if (as && (as.customerGroup || as.companyId)) {
    // Pricing as another group or company reveals contract prices: pricing staff only, not viewers.
    assertStaff(ctx, ctx.channel.channel, ['pricing-admin']);
    if (![as.customerGroup, as.companyId].every((v) => v == null || /^[A-Za-z0-9_.:-]{1,64}$/.test(v)))
      throw badInput('INVALID_ID', 'malformed as', { argument: 'as' });
    scoped = createPricesContext(
      ctx.db,
      { ...ctx, channel: { ...ctx.channel, customerGroup: as.customerGroup ?? undefined, companyId: as.companyId ?? undefined } },
      ctx.catalog,
      ctx.fxFeedUrl,
    );
  }
  const [candidates, settings, result] = await Promise.all([
    scoped.loaders.candidates.load(variantId),
    scoped.loaders.channelPricing.load(scoped.channel.channel),
    resolveUnitPrice(scoped, variantId, quantity, { country: scoped.channel.country }),
  ]);
  const currency = scoped.channel.currency;
  const source = settings?.fxSourceCurrency ?? DEFAULT_FX_SOURCE;
  const converted = result.kind === 'priced' && result.price.converted;
  const own = defaultPriceSelection.explain(
    candidates.filter((c) => c.currency === currency),
    quantity,
    scoped.now,
  );
  const fromSource = converted
    ? defaultPriceSelection.explain(
        candidates.filter((c) => c.level === 'BASE' && c.currency === source),
        quantity,
        scoped.now,
      )
    : [];
  const others: CandidateVerdict[] = candidates
    .filter((c) => c.currency !== currency && !(converted && c.level === 'BASE' && c.currency === source))
    .map((c) => ({ candidate: c, status: 'OTHER_CURRENCY', reason: `${c.currency} book; the channel prices in ${currency}` }));
  const verdicts = [...own, ...fromSource.map((v) => ({ ...v, reason: `converted from ${source}: ${v.reason}` })), ...others];
  return {
    variantId,
    quantity,
    currency,
    pricedAt: scoped.now.toISOString(),
    result: result.kind === 'priced' ? variantPrice(result.price) : priceNotFound(result),
    fxRate: result.kind === 'priced' && result.price.fx ? `${result.price.fx.from}->${currency} ${formatRate(result.price.fx.ratePpb)}` : null,
    candidates: verdicts.map((v) => ({
      entryId: String(v.candidate.entryId),
      bookId: v.candidate.bookId,
      bookName: v.candidate.bookName,
      level: v.candidate.level,
      amount: { amount: v.candidate.amount, currency: v.candidate.currency },
      taxIncluded: v.candidate.taxIncluded,
      minQuantity: v.candidate.minQuantity,
      validFrom: v.candidate.validFrom?.toISOString() ?? null,
      validTo: v.candidate.validTo?.toISOString() ?? null,
      status: v.status,
      reason: v.reason,
    })),
  };
}
