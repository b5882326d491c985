import type { GraphQLResolveInfo } from 'graphql';
import { cacheHint } from '@storegraph/kit';
import { MinorUnitsScalar } from '@storegraph/schema';
import type { PricesContext } from '../context.ts';
import { getChannelPricing, setChannelPricing, type ChannelPricingInput } from '../services/channel-pricing-admin.service.ts';
import { pricingConfigurationIssues } from '../services/configuration-issues.service.ts';
import { priceExplain, type ExplainAs } from '../services/explain.service.ts';
import { currentFxRates, importFxRates, setFxRate, type FxRateInput } from '../services/fx-admin.service.ts';
import { importPriceEntries, upsertPriceBook, type PriceBookInput, type PriceEntryInput } from '../services/price-book-admin.service.ts';
import { priceOf } from '../services/price.service.ts';
import { listPromotions, upsertPromotion, type PromotionInput } from '../services/promotion-admin.service.ts';
import { quote, type QuoteInput } from '../services/quote.service.ts';
import { redeemPromotions } from '../services/redemption.service.ts';
import { upsertShippingMethod, type ShippingMethodInput } from '../services/shipping-admin.service.ts';
import { fxRatesAt, type FxRateAtInput } from '../services/fx-history.service.ts';
import { costPricesAt, setCostPrices, type CostPriceInput } from '../services/cost-price.service.ts';
import { shippingMethodOffers, type ShippingMethodsArgs } from '../services/shipping.service.ts';

type Ctx = PricesContext;
const byTypename = { __resolveType: (r: { __typename: string }) => r.__typename };

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Query: {
    quote: (_: unknown, args: { input: QuoteInput }, ctx: Ctx) => quote(ctx, args.input),
    priceExplain: (_: unknown, args: { variantId: string; quantity: number; as?: ExplainAs | null }, ctx: Ctx) =>
      priceExplain(ctx, args.variantId, args.quantity, args.as),
    pricingConfigurationIssues: (_: unknown, __: unknown, ctx: Ctx) => pricingConfigurationIssues(ctx),
    fxRates: (_: unknown, __: unknown, ctx: Ctx) => currentFxRates(ctx),
    fxRatesAt: (_: unknown, args: { input: FxRateAtInput[] }, ctx: Ctx) => fxRatesAt(ctx, args.input),
    costPricesAt: (_: unknown, args: { input: { variantId: string; at: string }[] }, ctx: Ctx) => costPricesAt(ctx, args.input),
    promotions: (_: unknown, args: { channel: string }, ctx: Ctx) => listPromotions(ctx, args.channel),
    channelPricing: (_: unknown, args: { channel: string }, ctx: Ctx) => getChannelPricing(ctx, args.channel),
    shippingMethods: (_: unknown, args: ShippingMethodsArgs, ctx: Ctx) => shippingMethodOffers(ctx, args),
  },
  Mutation: {
    upsertPriceBook: (_: unknown, args: { input: PriceBookInput }, ctx: Ctx) => upsertPriceBook(ctx, args.input),
    importPriceEntries: (_: unknown, args: { bookId: string; entries: PriceEntryInput[]; replaceAll: boolean }, ctx: Ctx) =>
      importPriceEntries(ctx, args.bookId, args.entries, args.replaceAll),
    setFxRate: (_: unknown, args: { input: FxRateInput }, ctx: Ctx) => setFxRate(ctx, args.input),
    setCostPrices: (_: unknown, args: { entries: CostPriceInput[] }, ctx: Ctx) => setCostPrices(ctx, args.entries),
    importFxRates: (_: unknown, __: unknown, ctx: Ctx) => importFxRates(ctx),
    upsertPromotion: (_: unknown, args: { input: PromotionInput }, ctx: Ctx) => upsertPromotion(ctx, args.input),
    setChannelPricing: (_: unknown, args: { input: ChannelPricingInput }, ctx: Ctx) => setChannelPricing(ctx, args.input),
    upsertShippingMethod: (_: unknown, args: { input: ShippingMethodInput }, ctx: Ctx) => upsertShippingMethod(ctx, args.input),
    redeemPromotions: (_: unknown, args: { orderId: string; promotionIds: string[] }, ctx: Ctx) => redeemPromotions(ctx, args.orderId, args.promotionIds),
  },
  Variant: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    price: async (v: { id: string }, args: { quantity: number }, ctx: Ctx, info: GraphQLResolveInfo) => {
      const { price, maxAge } = await priceOf(ctx, v.id, args.quantity);
      cacheHint(ctx.channel, info, maxAge);
      return price;
    },
  },
  PriceResult: byTypename,
  QuoteResult: byTypename,
  FxImportResult: byTypename,
  RedeemPromotionsResult: byTypename,
};
