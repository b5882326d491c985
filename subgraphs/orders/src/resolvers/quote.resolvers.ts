import type { OrdersContext } from '../context.ts';
import {
  myQuotes,
  proposeQuote,
  quoteById,
  quoteRequests,
  rejectQuote,
  requestQuote,
  type ProposeQuoteInput,
  type QuoteRow,
} from '../services/quote.service.ts';
import { tradeQuoteTotal } from '../services/quote-total.service.ts';

type Ctx = OrdersContext;
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

export const quoteResolvers = {
  Query: {
    myQuotes: (_: unknown, args: { first: number }, ctx: Ctx) => myQuotes(ctx, args.first),
    tradeQuote: (_: unknown, args: { id: string }, ctx: Ctx) => quoteById(ctx, args.id),
    tradeQuoteTotal: (_: unknown, args: { id: string }, ctx: Ctx) => tradeQuoteTotal(ctx, args.id),
    quoteRequests: (_: unknown, args: { channel: string; statuses?: string[] | null; first: number }, ctx: Ctx) => quoteRequests(ctx, args),
  },
  Mutation: {
    requestQuote: (_: unknown, args: { cartId: string; note?: string | null }, ctx: Ctx) => requestQuote(ctx, args.cartId, args.note),
    proposeQuote: (_: unknown, args: { input: ProposeQuoteInput }, ctx: Ctx) => proposeQuote(ctx, args.input),
    rejectQuote: (_: unknown, args: { id: string; reason: string }, ctx: Ctx) => rejectQuote(ctx, args.id, args.reason),
  },
  TradeQuote: {
    companyId: (q: QuoteRow) => q.company_id,
    requestedBy: (q: QuoteRow) => q.requested_by,
    cartId: (q: QuoteRow) => q.cart_id,
    expiresAt: (q: QuoteRow) => iso(q.expires_at),
    createdAt: (q: QuoteRow) => iso(q.created_at),
    orderId: (q: QuoteRow) => q.order_id,
    subtotal: (q: QuoteRow) =>
      q.lines.length > 0 && q.lines.every((l) => l.unit != null)
        ? { amount: q.lines.reduce((s, l) => s + Number(l.unit) * l.quantity, 0), currency: q.currency }
        : null,
    lines: (q: QuoteRow) =>
      q.lines.map((l) => ({
        variantId: l.variantId,
        variant: { id: l.variantId },
        quantity: l.quantity,
        unitPrice: l.unit == null ? null : { amount: Number(l.unit), currency: q.currency },
      })),
  },
};
