import type { SubgraphClient } from '@storegraph/kit';

/** What the checkout reads of a quote; amounts are integer minor units of `currency`. */
export interface QuoteLine {
  variantId: string;
  sku: string;
  quantity: number;
  unit: number;
  subtotal: number;
  discount: number;
  total: number;
  tax: number;
  taxRateBp: number | null;
}

export interface CartQuote {
  __typename: 'Quote';
  currency: string;
  taxIncluded: boolean;
  lines: QuoteLine[];
  promotionIds: string[];
  rejectedCoupons: { code: string; message: string }[];
  shipping: { method: string; amount: number; tax: number } | null;
  subtotal: number;
  discountTotal: number;
  tax: number;
  total: number;
}

export type QuoteAnswer =
  | CartQuote
  | { __typename: 'QuoteNotPossible'; message: string; unpriced: { variantId: string; reason: string; message: string }[] }
  | { __typename: 'ShippingNotAvailable'; method: string; reason: string; message: string };

export interface QuoteRequest {
  lines: { variantId: string; quantity: number }[];
  couponCodes: string[];
  shipTo: { country: string; region?: string | null } | null;
  shippingMethod: string | null;
}

const QUOTE = `query CheckoutQuote($input: QuoteInput!) {
  quote(input: $input) {
    __typename
    ... on Quote {
      currency taxIncluded
      lines { variantId sku quantity unit { amount } subtotal { amount } total { amount } tax { amount } taxRate { rateBasisPoints }
        discounts { promotionId amount { amount } } }
      discounts { promotionId }
      rejectedCoupons { code message }
      shipping { method amount { amount } tax { amount } }
      subtotal { amount } discountTotal { amount } tax { amount } total { amount }
    }
    ... on QuoteNotPossible { message unpriced { variantId reason message } }
    ... on ShippingNotAvailable { method reason message }
  }
}`;

type A = { amount: number | string };
const n = (m: A) => Number(m.amount);

interface RawQuote {
  __typename: 'Quote';
  currency: string;
  taxIncluded: boolean;
  lines: {
    variantId: string;
    sku: string;
    quantity: number;
    unit: A;
    subtotal: A;
    total: A;
    tax: A;
    taxRate: { rateBasisPoints: number } | null;
    discounts: { promotionId: string; amount: A }[];
  }[];
  discounts: { promotionId: string }[];
  rejectedCoupons: { code: string; message: string }[];
  shipping: { method: string; amount: A; tax: A } | null;
  subtotal: A;
  discountTotal: A;
  tax: A;
  total: A;
}

/** prices.quote, the one authority on what a cart costs; the checkout charges exactly its total. */
export async function quoteCart(prices: SubgraphClient, token: string, requestId: string, req: QuoteRequest): Promise<QuoteAnswer> {
  const input: Record<string, unknown> = { lines: req.lines, couponCodes: req.couponCodes };
  if (req.shipTo) input.shipTo = { country: req.shipTo.country, region: req.shipTo.region ?? null };
  if (req.shippingMethod) input.shippingMethod = req.shippingMethod;
  const data = await prices.execute<{ quote: RawQuote | Exclude<QuoteAnswer, CartQuote> }>(token, requestId, QUOTE, { input });
  const q = data.quote;
  if (q.__typename !== 'Quote') return q;
  return {
    __typename: 'Quote',
    currency: q.currency,
    taxIncluded: q.taxIncluded,
    lines: q.lines.map((l) => ({
      variantId: l.variantId,
      sku: l.sku,
      quantity: l.quantity,
      unit: n(l.unit),
      subtotal: n(l.subtotal),
      discount: l.discounts.reduce((s, d) => s + n(d.amount), 0),
      total: n(l.total),
      tax: n(l.tax),
      taxRateBp: l.taxRate?.rateBasisPoints ?? null,
    })),
    promotionIds: [...new Set(q.discounts.map((d) => d.promotionId))],
    rejectedCoupons: q.rejectedCoupons,
    shipping: q.shipping ? { method: q.shipping.method, amount: n(q.shipping.amount), tax: n(q.shipping.tax) } : null,
    subtotal: n(q.subtotal),
    discountTotal: n(q.discountTotal),
    tax: n(q.tax),
    total: n(q.total),
  };
}

const REDEEM = `mutation CheckoutRedeem($orderId: ID!, $ids: [ID!]!) { redeemPromotions(orderId: $orderId, promotionIds: $ids) { __typename } }`;

/** Records the order's promotions (the order id makes a repeat a no-op). */
export async function redeemPromotions(prices: SubgraphClient, token: string, requestId: string, orderId: string, promotionIds: string[]): Promise<string> {
  const data = await prices.execute<{ redeemPromotions: { __typename: string } }>(token, requestId, REDEEM, { orderId, ids: promotionIds });
  return data.redeemPromotions.__typename;
}
