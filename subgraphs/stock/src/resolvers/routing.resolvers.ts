import type { StockContext } from '../context.ts';
import { explainRouting, setRoutingRules, type SetRoutingRulesInput } from '../services/routing-rules.service.ts';

type Ctx = StockContext;
const variantRef = (o: { variantId: string }) => ({ id: o.variantId });
const locationOf = (o: { locationId: string }, _: unknown, ctx: Ctx) => ctx.loaders.location.load(o.locationId);

export const routingResolvers = {
  Query: {
    routingExplain: (_: unknown, args: { input: Parameters<typeof explainRouting>[1] }, ctx: Ctx) => explainRouting(ctx, args.input),
  },
  Mutation: {
    setRoutingRules: (_: unknown, args: { input: SetRoutingRulesInput }, ctx: Ctx) => setRoutingRules(ctx, args.input),
  },
  RoutingRules: { channel: (r: { channel: string }) => ({ code: r.channel }) },
  RoutingExplanation: { channel: (r: { channel: string }) => ({ code: r.channel }) },
  RoutedAllocation: { variant: variantRef, location: locationOf },
  UnroutedUnits: { variant: variantRef },
  RoutingVerdict: { location: locationOf },
};
