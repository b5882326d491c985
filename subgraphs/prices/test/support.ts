import type { ChannelContextInput } from '@storegraph/schema';
import { divRound } from '@storegraph/schema';
import { direct, sqlClient, system } from '../../../test/support/clients.ts';

export const ADMIN = { staff: { id: 'stf_test_admin', roles: ['pricing-admin', 'viewer', 'order-admin'] as const, channels: ['*'] } };

/** A GraphQL call straight to the prices subgraph in a signed context (web-eu defaults plus `extra`). */
export async function prices<T = any>(query: string, variables: Record<string, unknown>, extra: Partial<ChannelContextInput> = {}, channel = 'web-eu') {
  return direct<T>(system().prices, query, variables, channel, extra as Partial<ChannelContextInput>);
}

export const asAdmin = (extra: Partial<ChannelContextInput> = {}) => ({ ...ADMIN, ...extra }) as unknown as Partial<ChannelContextInput>;

/** Reads the seeded amount of an entry, for expectations computed the way the engine must compute them. */
export async function seededAmount(bookId: string, variantId: string, minQuantity = 1): Promise<number> {
  const sql = sqlClient();
  try {
    const [row] =
      await sql`select amount::int8 as amount from prices.price_entries where book_id = ${bookId} and variant_id = ${variantId} and min_quantity = ${minQuantity}`;
    return Number(row!.amount);
  } finally {
    await sql.end();
  }
}

export async function countRows(query: string, ...params: unknown[]): Promise<number> {
  const sql = sqlClient();
  try {
    const [row] = await sql.unsafe(query, params as never[]);
    return Number(row!.n);
  } finally {
    await sql.end();
  }
}

export const taxOfGross = (gross: number, bp: number) => Number(divRound(BigInt(gross) * BigInt(bp), 10_000n + BigInt(bp)));

export const PRICE = `query($r: [_Any!]!, $q: Int!) { _entities(representations: $r) { ... on Variant { id price(quantity: $q) {
  __typename
  ... on VariantPrice { unit { amount currency } total { amount currency } net { amount } tax { amount } gross { amount }
    listPrice { amount } compareAt { amount } taxIncluded taxRate { category rateBasisPoints } level bookId converted fxSourceCurrency }
  ... on PriceNotFound { reason message currency } } } } }`;

export async function priceOf(variantId: string, quantity: number, extra: Partial<ChannelContextInput> = {}, channel = 'web-eu') {
  const res = await prices(PRICE, { r: [{ __typename: 'Variant', id: variantId }], q: quantity }, extra, channel);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data._entities[0].price;
}

export const QUOTE = `query($input: QuoteInput!) { quote(input: $input) {
  __typename
  ... on Quote { currency taxIncluded
    lines { variantId quantity unit { amount currency } subtotal { amount } total { amount } net { amount } tax { amount } gross { amount }
      discounts { promotionId amount { amount } } taxRate { category rateBasisPoints } level bookId converted }
    discounts { promotionId name couponCode amount { amount currency } reason }
    notApplied { promotionId reason }
    rejectedCoupons { code reason message }
    taxLines { category rateBasisPoints net { amount } tax { amount } }
    subtotal { amount } discountTotal { amount } net { amount } tax { amount } gross { amount } total { amount currency } }
  ... on QuoteNotPossible { unpriced { variantId reason } message } } }`;
