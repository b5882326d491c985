import type { OrdersContext } from '../context.ts';
import { tillSale, type TillSaleInput } from '../till/till-sale.service.ts';
import { closeTillSession, currentTillSession, openTillSession } from '../till/till-session.service.ts';

type Ctx = OrdersContext;

/** POS: a till's cash sessions. */
export const tillResolvers = {
  Query: {
    currentTillSession: (_: unknown, __: unknown, ctx: Ctx) => currentTillSession(ctx),
  },
  Mutation: {
    openTillSession: (_: unknown, a: { openingFloat: number }, ctx: Ctx) => openTillSession(ctx, a.openingFloat),
    closeTillSession: (_: unknown, a: { countedCash: number }, ctx: Ctx) => closeTillSession(ctx, a.countedCash),
    tillSale: (_: unknown, a: { input: TillSaleInput }, ctx: Ctx) => tillSale(ctx, a.input),
  },
  TillSessionResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  TillSaleResult: { __resolveType: (r: { __typename: string }) => r.__typename },
};
