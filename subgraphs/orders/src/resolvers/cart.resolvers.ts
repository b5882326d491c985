import { addCartLinesBySku, type QuickOrderLine } from '../services/quick-order.service.ts';
import type { OrdersContext } from '../context.ts';
import {
  addCartLines,
  createCart,
  findCart,
  mergeGuestCart,
  myCart,
  setCartDetails,
  updateCartLine,
  type CartDetailsInput,
  type CartRow,
} from '../services/cart.service.ts';
import { detailProblems, isQuote, quoteProblems } from '../services/cart-view.service.ts';
import { findOrder } from '../services/order-admin.service.ts';

type Ctx = OrdersContext;
const money = (amount: number, currency: string) => ({ amount, currency });

export const cartResolvers = {
  Query: {
    cart: (_: unknown, args: { id: string }, ctx: Ctx) => findCart(ctx, args.id),
    myCart: (_: unknown, __: unknown, ctx: Ctx) => myCart(ctx),
  },
  Mutation: {
    createCart: (_: unknown, args: { email?: string | null }, ctx: Ctx) => createCart(ctx, args.email),
    addCartLines: (_: unknown, a: { cartId: string; lines: { variantId: string; quantity: number }[]; expectedVersion?: number | null }, ctx: Ctx) =>
      addCartLines(ctx, a.cartId, a.lines, a.expectedVersion),
    addCartLinesBySku: (_: unknown, a: { cartId: string; lines: QuickOrderLine[]; expectedVersion?: number | null; acceptBackorder: boolean }, ctx: Ctx) =>
      addCartLinesBySku(ctx, a.cartId, a.lines, a.expectedVersion, a.acceptBackorder),
    updateCartLine: (_: unknown, a: { cartId: string; variantId: string; quantity: number; expectedVersion?: number | null }, ctx: Ctx) =>
      updateCartLine(ctx, a.cartId, a.variantId, a.quantity, a.expectedVersion),
    setCartDetails: (_: unknown, a: { cartId: string; input: CartDetailsInput; expectedVersion?: number | null }, ctx: Ctx) =>
      setCartDetails(ctx, a.cartId, a.input, a.expectedVersion),
    mergeGuestCart: (_: unknown, __: unknown, ctx: Ctx) => mergeGuestCart(ctx),
  },
  Cart: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => findCart(ctx, ref.id),
    channel: (c: CartRow) => ({ code: c.channel }),
    expiresAt: (c: CartRow) => c.expiresAt.toISOString(),
    lines: async (c: CartRow, _: unknown, ctx: Ctx) => {
      const lines = await ctx.loaders.linesOfCart.load(c.id);
      const quote = c.status === 'ACTIVE' ? await ctx.loaders.cartQuote.load(c) : null;
      const priced = isQuote(quote) ? new Map(quote.lines.map((l) => [l.variantId, l])) : new Map();
      return lines.map((l) => {
        const q = priced.get(l.variantId);
        return {
          variant: { id: l.variantId },
          quantity: l.quantity,
          unitPrice: q ? money(q.unit, c.currency) : null,
          total: q ? money(q.total, c.currency) : null,
        };
      });
    },
    totals: async (c: CartRow, _: unknown, ctx: Ctx) => {
      if (c.status !== 'ACTIVE') return null;
      const quote = await ctx.loaders.cartQuote.load(c);
      if (!isQuote(quote)) return null;
      return {
        taxIncluded: quote.taxIncluded,
        subtotal: money(quote.subtotal, quote.currency),
        discount: money(quote.discountTotal, quote.currency),
        shipping: money(quote.shipping?.amount ?? 0, quote.currency),
        tax: money(quote.tax, quote.currency),
        total: money(quote.total, quote.currency),
      };
    },
    problems: async (c: CartRow, _: unknown, ctx: Ctx) => {
      const lines = await ctx.loaders.linesOfCart.load(c.id);
      const problems = detailProblems(c, lines.length);
      if (c.status === 'ACTIVE' && lines.length > 0) problems.push(...quoteProblems(await ctx.loaders.cartQuote.load(c)));
      return problems;
    },
    order: (c: CartRow, _: unknown, ctx: Ctx) => (c.orderId ? findOrder(ctx, c.orderId) : null),
  },
};
