import type { GraphQLResolveInfo } from 'graphql';
import { cacheHint } from '@storegraph/kit';
import { staffCan } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import { availabilityOf, backorderOf, pickupLocationsOf } from '../services/availability.service.ts';
import type { LocationAvailabilityRow } from '../loaders/stock.loaders.ts';
import { reservationResolvers } from './reservation.resolvers.ts';
import { tillNearbyStock } from '../services/nearby-stock.service.ts';
import { staffResolvers } from './staff.resolvers.ts';
import { routingResolvers } from './routing.resolvers.ts';
import { valueResolvers } from './value.resolvers.ts';

type Ctx = StockContext;

export const resolvers = {
  ...reservationResolvers,
  ...staffResolvers,
  ...routingResolvers,
  ...valueResolvers,
  Query: {
    locations: (_: unknown, __: unknown, ctx: Ctx) => ctx.loaders.channelLocations.load(ctx.channel.channel),
    tillNearbyStock: (_: unknown, a: { variantId: string }, ctx: Ctx) => tillNearbyStock(ctx, a.variantId),
    ...reservationResolvers.Query,
    ...staffResolvers.Query,
    ...routingResolvers.Query,
    ...valueResolvers.Query,
  },
  Mutation: { ...reservationResolvers.Mutation, ...staffResolvers.Mutation, ...routingResolvers.Mutation },
  Variant: {
    __resolveReference: (ref: { id: string }) => ref,
    availability: (v: { id: string }, _: unknown, ctx: Ctx, info: GraphQLResolveInfo) => {
      cacheHint(ctx.channel, info);
      return availabilityOf(ctx, v.id);
    },
  },
  Availability: {
    pickupLocations: pickupLocationsOf,
    backorder: (a: { variantId: string }, _: unknown, ctx: Ctx) => backorderOf(ctx, a.variantId),
  },
  SalesChannel: {
    __resolveReference: (ref: { code: string }) => ref,
    locations: (c: { code: string }, _: unknown, ctx: Ctx) =>
      c.code === ctx.channel.channel || staffCan(ctx.channel, 'viewer', c.code) ? ctx.loaders.channelLocations.load(c.code) : [],
  },
  Location: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.location.load(ref.id),
  },
  LocationAvailability: {
    location: (l: LocationAvailabilityRow, _: unknown, ctx: Ctx) => ctx.loaders.location.load(l.locationId),
  },
};
