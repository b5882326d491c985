import DataLoader from 'dataloader';
import { asc, sql } from 'drizzle-orm';
import { groupByKey, perDatabase } from '@storegraph/kit';
import { shippingMethods } from '../db/tables.ts';
import type { PricesContext, PricesDb } from '../context.ts';
import type { ShippingMethodRule } from '../pricing/shipping-method.types.ts';

const m = shippingMethods;
const statements = perDatabase((db: PricesDb['db']) => ({
  activeMethods: db
    .select({
      channel: m.channel,
      code: m.code,
      name: m.name,
      kind: m.kind,
      currency: m.currency,
      amount: m.amount,
      freeFrom: m.freeFrom,
      weightBands: m.weightBands,
      taxCategory: m.taxCategory,
      countries: m.countries,
    })
    .from(m)
    .where(sql`${m.channel} = any(${sql.placeholder('channels')}::text[]) and ${m.active}`)
    .orderBy(asc(m.channel), asc(m.position), asc(m.code))
    .prepare('prices_active_shipping_methods'),
}));

type Row = Awaited<ReturnType<ReturnType<typeof statements>['activeMethods']['execute']>>[number];

/** Amounts are bigint from here on: they meet line totals in the quote's integer maths. */
function rule(r: Row): ShippingMethodRule {
  return {
    code: r.code,
    name: r.name,
    kind: r.kind,
    currency: r.currency,
    amount: r.amount === null ? null : BigInt(r.amount),
    freeFrom: r.freeFrom === null ? null : BigInt(r.freeFrom),
    weightBands: r.weightBands?.map((b) => ({ upToGrams: b.upToGrams, amount: BigInt(b.amount) })) ?? null,
    taxCategory: r.taxCategory,
    countries: r.countries,
  };
}

export function createShippingLoaders(ctx: PricesContext) {
  const q = statements(ctx.db.db);
  return {
    /** Active shipping methods of a channel in display order. Only ever asked for the caller's own channel. */
    channelShippingMethods: new DataLoader<string, ShippingMethodRule[]>(async (channels) => {
      const rows = await q.activeMethods.execute({ channels });
      return groupByKey(channels, rows, (r) => r.channel).map((list) => list.map(rule));
    }),
  };
}
export type ShippingLoaders = ReturnType<typeof createShippingLoaders>;
