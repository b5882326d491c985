import { staffCan } from '@storegraph/schema';
import { appError } from '@storegraph/schema';
import type { StockContext } from '../context.ts';
import type { levels, movements } from '../db/tables.ts';
import { setBackorderPolicy, setChannelAllocationPolicy, setStockFence, type AllocationMode } from '../services/allocation.service.ts';
import { expireOverdueReservations } from '../services/expiry.service.ts';
import { stockLevelsOf, stockMovementsOf } from '../services/history.service.ts';
import { tillStockChanges } from '../services/till-stock-feed.service.ts';
import { addStock, adjustStock, countStock, transferStock, type QuantityInput } from '../services/ledger.service.ts';
import { setLowStockThreshold } from '../services/low-stock.service.ts';
import { rebalanceFences } from '../services/rebalance.service.ts';

type Ctx = StockContext;
type Level = typeof levels.$inferSelect;
const variantRef = (o: { variantId: string }) => ({ id: o.variantId });
const locationOf = (o: { locationId: string }, _: unknown, ctx: Ctx) => ctx.loaders.location.load(o.locationId);
const channelRef = (o: { channel: string }) => ({ code: o.channel });

export const staffResolvers = {
  Query: {
    stockLevels: (_: unknown, args: { variantId: string }, ctx: Ctx) => stockLevelsOf(ctx, args.variantId),
    stockMovements: (_: unknown, args: { variantId: string; locationId?: string | null; first: number; after?: string | null }, ctx: Ctx) =>
      stockMovementsOf(ctx, args),
    tillStockChanges: (_: unknown, args: { after?: string | null; first: number }, ctx: Ctx) => tillStockChanges(ctx, args.after, args.first),
  },
  Mutation: {
    receiveStock: (_: unknown, args: { input: QuantityInput }, ctx: Ctx) => addStock(ctx, 'RECEIPT', args.input),
    returnStock: (_: unknown, args: { input: QuantityInput }, ctx: Ctx) => addStock(ctx, 'RETURN', args.input),
    adjustStock: (_: unknown, args: { input: Parameters<typeof adjustStock>[1] }, ctx: Ctx) => adjustStock(ctx, args.input),
    countStock: (_: unknown, args: { input: Parameters<typeof countStock>[1] }, ctx: Ctx) => countStock(ctx, args.input),
    transferStock: (_: unknown, args: { input: Parameters<typeof transferStock>[1] }, ctx: Ctx) => transferStock(ctx, args.input),
    setStockFence: (_: unknown, args: { input: Parameters<typeof setStockFence>[1] }, ctx: Ctx) => setStockFence(ctx, args.input),
    setChannelAllocationPolicy: (_: unknown, args: { channel: string; mode: AllocationMode }, ctx: Ctx) =>
      setChannelAllocationPolicy(ctx, args.channel, args.mode),
    setBackorderPolicy: (_: unknown, args: { input: Parameters<typeof setBackorderPolicy>[1] }, ctx: Ctx) => setBackorderPolicy(ctx, args.input),
    setLowStockThreshold: (_: unknown, args: { input: Parameters<typeof setLowStockThreshold>[1] }, ctx: Ctx) => setLowStockThreshold(ctx, args.input),
    rebalanceStockFences: (_: unknown, args: { variantId?: string | null; windowHours: number }, ctx: Ctx) =>
      rebalanceFences(ctx.db, {
        variantId: args.variantId,
        windowHours: args.windowHours,
        authorise: (channels) => {
          const denied = channels.filter((c) => !staffCan(ctx.channel, 'stock-admin', c));
          if (denied.length > 0 || !ctx.channel.staff) throw appError('FORBIDDEN', `stock-admin on ${denied.join(', ') || 'the channels'} is required`);
        },
      }),
    expireReservations: (_: unknown, __: unknown, ctx: Ctx) => {
      if (!staffCan(ctx.channel, 'stock-admin', '*')) {
        throw appError('FORBIDDEN', 'stock-admin on every channel is required');
      }
      return expireOverdueReservations(ctx.db);
    },
  },
  StockLevel: {
    variant: variantRef,
    location: locationOf,
    free: (l: Level) => l.onHand - l.reserved - l.safetyStock,
    // Only the fences of channels this staff member may see: another channel's allocation is its own business.
    fences: async (l: Level, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.fencesByLevel.load(`${l.variantId}\u001f${l.locationId}`)).filter(
        (f) => staffCan(ctx.channel, 'stock-admin', f.channel) || staffCan(ctx.channel, 'viewer', f.channel),
      ),
  },
  StockFence: { channel: channelRef, variant: variantRef, location: locationOf },
  StockMovement: {
    variant: variantRef,
    location: locationOf,
    createdAt: (m: typeof movements.$inferSelect) => m.createdAt.toISOString(),
  },
  ChannelAllocationPolicy: { channel: channelRef },
  BackorderPolicy: { channel: channelRef, variant: variantRef },
  LowStockThreshold: { channel: channelRef, variant: variantRef },
};
