import { MinorUnitsScalar } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';
import { priceOf } from '../services/price.service.ts';

type Ctx = PricesContext;

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Variant: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    price: (v: { id: string }, args: { quantity: number }, ctx: Ctx) => priceOf(ctx, v.id, args.quantity),
  },
  PriceResult: {
    __resolveType: (r: { __typename: string }) => r.__typename,
  },
};
