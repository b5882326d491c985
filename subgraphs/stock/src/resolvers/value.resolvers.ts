import { MinorUnitsScalar } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import { sellThroughOf } from '../services/sell-through.service.ts';
import { stockValueOf } from '../services/stock-value.service.ts';

type Ctx = StockContext;
const variantRef = (o: { variantId: string }) => ({ id: o.variantId });
const locationOf = (o: { locationId: string }, _: unknown, ctx: Ctx) => ctx.loaders.location.load(o.locationId);

export const valueResolvers = {
  Query: {
    stockValue: (_: unknown, args: { locationIds: string[]; at?: string | null }, ctx: Ctx) => stockValueOf(ctx, args),
    sellThrough: (_: unknown, args: { from: string; to: string; locationIds?: string[] | null }, ctx: Ctx) => sellThroughOf(ctx, args),
  },
  MinorUnits: MinorUnitsScalar,
  LocationStockValue: { location: locationOf },
  UnvaluedStock: { variant: variantRef },
  SellThroughLine: { variant: variantRef, location: locationOf },
};
