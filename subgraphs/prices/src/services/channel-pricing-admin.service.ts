import { eq } from 'drizzle-orm';
import type { PricesContext } from '../context.ts';
import { channelPricing } from '../db/tables.ts';
import { assertCurrency, badInput } from './input.validation.ts';
import { assertStaff } from './staff-scope.ts';

export interface ChannelPricingInput {
  channel: string;
  fxSourceCurrency: string;
  rounding?: { ending: number; step: number } | null;
}

export function channelPricingView(r: typeof channelPricing.$inferSelect) {
  return {
    channel: r.channel,
    fxSourceCurrency: r.fxSourceCurrency,
    rounding: r.roundingStep ? { ending: r.roundingEnding ?? 0, step: r.roundingStep } : null,
  };
}

/** Which base currency a channel converts from, and its charm rounding for converted prices. */
export async function setChannelPricing(ctx: PricesContext, input: ChannelPricingInput) {
  assertStaff(ctx, input.channel);
  assertCurrency(input.fxSourceCurrency, 'input.fxSourceCurrency');
  const r = input.rounding;
  if (r && (!Number.isInteger(r.step) || !Number.isInteger(r.ending) || r.step < 1 || r.step > 1_000_000 || r.ending < 0 || r.ending >= r.step)) {
    throw badInput('INVALID_ROUNDING', 'rounding: 0 <= ending < step <= 1,000,000, integers in minor units', { argument: 'input.rounding' });
  }
  const values = { channel: input.channel, fxSourceCurrency: input.fxSourceCurrency, roundingEnding: r?.ending ?? null, roundingStep: r?.step ?? null };
  const [row] = await ctx.db.db.insert(channelPricing).values(values).onConflictDoUpdate({ target: channelPricing.channel, set: values }).returning();
  return channelPricingView(row!);
}

export async function getChannelPricing(ctx: PricesContext, channel: string) {
  assertStaff(ctx, channel, ['pricing-admin', 'viewer']);
  const [row] = await ctx.db.db.select().from(channelPricing).where(eq(channelPricing.channel, channel));
  return row ? channelPricingView(row) : { channel, fxSourceCurrency: 'EUR', rounding: null };
}
