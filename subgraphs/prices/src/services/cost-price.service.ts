import { sql } from 'drizzle-orm';
import { appError, assertMinorUnits } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';
import { assertCurrency, badInput, parseInstant } from './input.validation.ts';
import { assertStaff } from './staff-scope.ts';

export interface CostPriceInput {
  variantId: string;
  amount: number;
  currency: string;
  effectiveFrom?: string | null;
}

const VARIANT = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_ENTRIES = 1_000;

interface CostRow extends Record<string, unknown> {
  variant_id: string;
  currency: string;
  amount: string;
  effective_from: Date | string;
  source: string;
}

const view = (r: CostRow) => ({
  variantId: r.variant_id,
  cost: { amount: Number(r.amount), currency: r.currency },
  effectiveFrom: new Date(r.effective_from).toISOString(),
  source: r.source,
});

/**
 * Pricing admins of every channel set what variants cost the brand, effective now or from a given time (history
 * is kept; the same variant and time again corrects it). All or nothing: one bad entry writes none.
 */
export async function setCostPrices(ctx: PricesContext, entries: CostPriceInput[]) {
  assertStaff(ctx, null);
  if (entries.length === 0 || entries.length > MAX_ENTRIES) throw badInput('INVALID_ENTRIES', `1 to ${MAX_ENTRIES} entries`, { argument: 'entries' });
  const rows = entries.map((e, i) => {
    if (!VARIANT.test(e.variantId)) throw badInput('INVALID_VARIANT', 'unknown variant id', { argument: `entries[${i}].variantId` });
    assertCurrency(e.currency, `entries[${i}].currency`);
    if (!Number.isSafeInteger(e.amount) || e.amount < 0)
      throw badInput('INVALID_AMOUNT', 'a cost is 0 or more minor units', { argument: `entries[${i}].amount` });
    assertMinorUnits(e.amount);
    const at = parseInstant(e.effectiveFrom, `entries[${i}].effectiveFrom`) ?? ctx.now;
    return { variant_id: e.variantId, currency: e.currency, amount: e.amount, effective_from: at.toISOString(), source: `staff:${ctx.channel.staff!.id}` };
  });
  const written = await ctx.db.db.execute<CostRow>(sql`
    insert into prices.cost_prices (variant_id, currency, amount, effective_from, source)
    select variant_id, currency, amount, effective_from, source from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(variant_id text, currency text, amount bigint, effective_from timestamptz, source text)
    on conflict (variant_id, effective_from) do update set currency = excluded.currency, amount = excluded.amount, source = excluded.source
    returning variant_id, currency, amount, effective_from, source`);
  return written.map(view);
}

/**
 * Staff and services (reports): the cost of each variant in force at each instant asked, in the order asked;
 * null where none was set by then.
 */
export async function costPricesAt(ctx: PricesContext, asked: { variantId: string; at: string }[]) {
  if (!ctx.channel.staff) throw appError('FORBIDDEN', 'cost prices are for staff and services');
  if (asked.length > MAX_ENTRIES) throw badInput('INVALID_ENTRIES', `at most ${MAX_ENTRIES} per call`, { argument: 'input' });
  const wanted = asked.map((a, i) => ({ variantId: a.variantId, at: parseInstant(a.at, `input[${i}].at`)!.toISOString() }));
  if (wanted.length === 0) return [];
  const rows = await ctx.db.db.execute<CostRow & { i: number }>(sql`
    select w.i, c.variant_id, c.currency, c.amount, c.effective_from, c.source
    from jsonb_to_recordset(${JSON.stringify(wanted.map((w, i) => ({ ...w, i })))}::jsonb) as w(i int, "variantId" text, at timestamptz)
    cross join lateral (select * from prices.cost_prices c where c.variant_id = w."variantId" and c.effective_from <= w.at
      order by c.effective_from desc limit 1) c`);
  const byIndex = new Map(rows.map((r) => [Number(r.i), view(r)]));
  return wanted.map((_, i) => byIndex.get(i) ?? null);
}
