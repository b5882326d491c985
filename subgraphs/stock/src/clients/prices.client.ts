import { GraphQLError } from 'graphql';
import { serviceUnavailable } from '@storegraph/kit';
import type { StockContext } from '../context.ts';
import type { UnitCost } from '../domain/stock-value.rules.ts';

const COSTS_AT = `query StockCostsAt($input: [CostPriceAtInput!]!) { costPricesAt(input: $input) { cost { amount currency } } }`;

/** prices answers at most this many instants per call. */
const PER_CALL = 1_000;

/**
 * Each variant's cost per unit in force at `at`, keyed by variant id (absent where none was set), asked of
 * prices with the caller's own context: cost prices are for staff, and the caller is staff. One call per
 * 1,000 variants, never one per variant.
 */
export async function unitCostsAt(ctx: StockContext, variantIds: string[], at: Date): Promise<Map<string, UnitCost>> {
  const costs = new Map<string, UnitCost>();
  for (let i = 0; i < variantIds.length; i += PER_CALL) {
    const chunk = variantIds.slice(i, i + PER_CALL);
    const input = chunk.map((variantId) => ({ variantId, at: at.toISOString() }));
    let data: { costPricesAt: ({ cost: UnitCost } | null)[] };
    try {
      data = await ctx.prices.execute(ctx.contextToken, ctx.requestId, COSTS_AT, { input });
    } catch (err) {
      // prices' own refusal (a code from the list) passes on; a failure of prices is its unavailability,
      // not a report with every unit unvalued.
      if (err instanceof GraphQLError) throw err;
      ctx.log.warn({ err: (err as Error).message }, 'cost prices unavailable');
      throw serviceUnavailable('prices');
    }
    data.costPricesAt.forEach((c, j) => {
      if (c) costs.set(chunk[j]!, c.cost);
    });
  }
  return costs;
}
