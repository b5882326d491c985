import type { StockContext } from '../context.ts';
import {
  confirmReservation,
  findReservation,
  releaseReservation,
  reserveStock,
  restockAtLocation,
  returnSoldUnits,
  restockReservation,
  type ReserveStockInput,
} from '../services/reservation.service.ts';
import { returnUnsoldUnits } from '../services/unsold-return.service.ts';

type Ctx = StockContext;
const variantRef = (o: { variantId: string }) => ({ id: o.variantId });

export const reservationResolvers = {
  Query: {
    reservation: (_: unknown, args: { id: string }, ctx: Ctx) => findReservation(ctx, args.id),
  },
  Mutation: {
    reserveStock: (_: unknown, args: { input: ReserveStockInput }, ctx: Ctx) => reserveStock(ctx, args.input),
    confirmReservation: (_: unknown, args: { id: string }, ctx: Ctx) => confirmReservation(ctx, args.id),
    releaseReservation: (_: unknown, args: { id: string }, ctx: Ctx) => releaseReservation(ctx, args.id),
    restockReservation: (_: unknown, args: { id: string }, ctx: Ctx) => restockReservation(ctx, args.id),
    restockReservationAt: (_: unknown, args: Parameters<typeof restockAtLocation>[1], ctx: Ctx) => restockAtLocation(ctx, args),
    returnSoldUnits: (_: unknown, args: Parameters<typeof returnSoldUnits>[1], ctx: Ctx) => returnSoldUnits(ctx, args),
    returnUnsoldUnits: (_: unknown, args: Parameters<typeof returnUnsoldUnits>[1], ctx: Ctx) => returnUnsoldUnits(ctx, args),
  },
  ReserveStockResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  ReservationChangeResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  ReservationLine: { variant: variantRef },
  ShortLine: { variant: variantRef },
  ReservedAllocation: {
    location: (a: { locationId: string }, _: unknown, ctx: Ctx) => ctx.loaders.location.load(a.locationId),
  },
};
