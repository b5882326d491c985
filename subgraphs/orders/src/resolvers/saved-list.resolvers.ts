import type { OrdersContext } from '../context.ts';
import { addSavedListToCart, deleteSavedList, mayEdit, reorder, saveList, savedLists, type SavedListRow } from '../services/saved-list.service.ts';

type Ctx = OrdersContext;
type FillArgs = { cartId: string; expectedVersion?: number | null };

export const savedListResolvers = {
  Query: {
    savedLists: (_: unknown, args: { first: number }, ctx: Ctx) => savedLists(ctx, args.first),
  },
  Mutation: {
    saveList: (_: unknown, args: { input: Parameters<typeof saveList>[1] }, ctx: Ctx) => saveList(ctx, args.input),
    deleteSavedList: (_: unknown, args: { id: string }, ctx: Ctx) => deleteSavedList(ctx, args.id),
    addSavedListToCart: (_: unknown, args: FillArgs & { listId: string }, ctx: Ctx) => addSavedListToCart(ctx, args.listId, args.cartId, args.expectedVersion),
    reorder: (_: unknown, args: FillArgs & { orderId: string }, ctx: Ctx) => reorder(ctx, args.orderId, args.cartId, args.expectedVersion),
  },
  SavedList: {
    editable: (l: SavedListRow, _: unknown, ctx: Ctx) => mayEdit(ctx, l),
    updatedAt: (l: SavedListRow) => new Date(l.updated_at).toISOString(),
    lines: async (l: SavedListRow, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.linesOfSavedList.load(l.id)).map((line) => ({
        variantId: line.variant_id,
        variant: { id: line.variant_id },
        quantity: line.quantity,
      })),
  },
};
