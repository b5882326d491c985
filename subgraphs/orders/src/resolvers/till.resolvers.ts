import type { OrdersContext } from '../context.ts';
import { type OfflineSaleInput, postOfflineSales } from '../till/till-offline.service.ts';
import { tillHandOver, tillPickups } from '../till/till-pickup.service.ts';
import { tillSale, type TillSaleInput } from '../till/till-sale.service.ts';
import { tillReturn, type TillReturnInput } from '../till/till-return.service.ts';
import { readTillDiscountPolicy, setTillDiscountPolicy, type TillDiscountPolicyInput } from '../till/till-discount-policy.service.ts';
import { tillSnapshot } from '../till/till-snapshot.service.ts';
import { tillCreditReturn, type TillCreditReturnInput } from '../till/till-credit-return.service.ts';
import { storeCreditBalance } from '../till/store-credit.service.ts';
import { closeTillSession, currentTillSession, openTillSession } from '../till/till-session.service.ts';

type Ctx = OrdersContext;

/** POS: a till's cash sessions. */
export const tillResolvers = {
  Query: {
    currentTillSession: (_: unknown, __: unknown, ctx: Ctx) => currentTillSession(ctx),
    tillPickups: (_: unknown, a: { first: number }, ctx: Ctx) => tillPickups(ctx, a.first),
    tillSnapshot: (_: unknown, a: { sinceVersion?: string | null }, ctx: Ctx) => tillSnapshot(ctx, a.sinceVersion),
    tillDiscountPolicy: (_: unknown, a: { channel: string }, ctx: Ctx) => readTillDiscountPolicy(ctx, a.channel),
    storeCredit: (_: unknown, a: { code: string }, ctx: Ctx) => storeCreditBalance(ctx, a.code),
  },
  Mutation: {
    openTillSession: (_: unknown, a: { openingFloat: number }, ctx: Ctx) => openTillSession(ctx, a.openingFloat),
    closeTillSession: (_: unknown, a: { countedCash: number }, ctx: Ctx) => closeTillSession(ctx, a.countedCash),
    tillSale: (_: unknown, a: { input: TillSaleInput }, ctx: Ctx) => tillSale(ctx, a.input),
    tillReturn: (_: unknown, a: { input: TillReturnInput }, ctx: Ctx) => tillReturn(ctx, a.input),
    tillCreditReturn: (_: unknown, a: { input: TillCreditReturnInput }, ctx: Ctx) => tillCreditReturn(ctx, a.input),
    postOfflineSales: (_: unknown, a: { sales: OfflineSaleInput[] }, ctx: Ctx) => postOfflineSales(ctx, a.sales),
    setTillDiscountPolicy: (_: unknown, a: { input: TillDiscountPolicyInput }, ctx: Ctx) => setTillDiscountPolicy(ctx, a.input),
    tillHandOver: (_: unknown, a: { shipmentId: string; collectionCode: string }, ctx: Ctx) => tillHandOver(ctx, a.shipmentId, a.collectionCode),
  },
  TillSessionResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  TillSaleResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  TillReturnResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  TillCreditReturnResult: { __resolveType: (r: { __typename: string }) => r.__typename },
};
