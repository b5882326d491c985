import { beforeAll } from 'vitest';
import { bff, sqlClient, system, type GraphQLResponse } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';
import { issueToken } from '@storegraph/bff-kit';

/**
 * Checkout scenarios drive the BFFs the way a storefront does: allow-listed operations by name only, with
 * the caller's bearer token. Each test makes its own products (catalog admin), prices (pricing admin) and
 * stock (stock admin), so its expected figures are its own.
 */

export type Bff = 'b2c' | 'b2b' | 'pos';

/** An allow-listed operation by name through a BFF (test/support/clients.ts builds every BFF call). */
export const op = bff;

export function data<T = any>(res: GraphQLResponse<T>): T {
  if (res.errors?.length || res.status !== 200) throw new Error(`unexpected answer ${res.status}: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

/**
 * A product of the test's own, sold in `channels`, priced in the base books (EUR gross, USD net) and with
 * `stock` units in the Hamburg warehouse (which web-eu, web-us and trade-eu sell from).
 */
export async function sellable(o: { eur: number; usd?: number; stock: number; channels?: string[] }): Promise<string> {
  const product = await createTestProduct({ channels: o.channels ?? ['web-eu', 'web-us', 'trade-eu'], name: 'Checkout test product' });
  const variantId = product.variants[0]!.id as string;
  // Every product a channel sells has a price there, so listings other tests read stay whole.
  await priceVariant(variantId, { eur: o.eur, usd: o.usd ?? Math.round(o.eur * 1.1) });
  if (o.stock > 0) await receive(variantId, HAMBURG, o.stock);
  return variantId;
}

/**
 * A customer of the test's own (the identity provider issues tokens for any account): the demo customers'
 * order lists are other files' expectations, so checkouts here never add to them.
 */
export async function testCustomer(tag: string, extra: TestIdentityClaims = {}) {
  const sub = `cus_t_${tag}_${Math.random().toString(36).slice(2, 8)}`;
  const { kind = 'customer', group, company, role: companyRole, limits, credit } = extra;
  const buyerLimits = limits ? { currency: 'EUR', perOrder: limits.perOrder ?? null, monthly: limits.monthly ?? null } : undefined;
  const companyCredit = credit ? { currency: 'EUR', termsDays: credit.termsDays, creditLimit: credit.limit } : undefined;
  const token = await issueToken({ sub, kind, group, company, companyRole, buyerLimits, companyCredit }, system().idpSecret);
  return { token, sub };
}

/** A test buyer's company and role there (the identity provider's claims: test buyers have no account). */
export interface TestIdentityClaims {
  group?: string;
  company?: string;
  kind?: 'customer' | 'buyer';
  role?: 'BUYER' | 'APPROVER' | 'ADMIN';
  /** Minor units of EUR; null or absent = no limit. */
  limits?: { perOrder?: number | null; monthly?: number | null };
  /** The company's terms: days to pay and its credit limit (minor units of EUR). */
  credit?: { termsDays: number; limit: number };
}

export interface TestIdentity {
  token: string;
  sub: string;
}

/**
 * A test file's own shopper or buyer, issued before its tests run: use it as `op(..., identity)`.
 * Checkouts never add to the demo customers' order lists, which other files assert exactly.
 */
export function testIdentity(tag: string, extra: TestIdentityClaims = {}): TestIdentity {
  const identity: TestIdentity = { token: '', sub: '' };
  beforeAll(async () => Object.assign(identity, await testCustomer(tag, extra)));
  return identity;
}

export const BERLIN_ADDRESS = { name: 'Anna Berg', line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

/** A cart ready to order: lines, email, a German address and the standard shipping method. */
export async function readyCart(
  which: Bff,
  auth: { as?: string; token?: string; channel?: string },
  lines: { variantId: string; quantity: number }[],
  method = 'standard',
) {
  const cart = data(await op(which, 'CreateCart', { email: 'shopper@example.com' }, auth)).createCart;
  data(await op(which, 'AddCartLines', { cartId: cart.id, lines }, auth));
  const ready = data(
    await op(which, 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: method } }, auth),
  ).setCartDetails;
  return ready as { id: string; version: number; totals: { total: { amount: number; currency: string } } | null; problems: { code: string }[] };
}

export const key = (tag: string) => `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** One row of SQL for assertions on what was written. */
export async function one<T>(q: (sql: ReturnType<typeof sqlClient>) => Promise<T[]>): Promise<T> {
  const sql = sqlClient();
  try {
    return (await q(sql))[0]!;
  } finally {
    await sql.end();
  }
}

export async function stockOf(variantId: string): Promise<{ on_hand: number; reserved: number }> {
  return one(
    (sql) =>
      sql<
        { on_hand: number; reserved: number }[]
      >`select coalesce(sum(on_hand), 0)::int as on_hand, coalesce(sum(reserved), 0)::int as reserved from stock.levels where variant_id = ${variantId}`,
  );
}

/** What the card provider stand-in holds for a checkout (our reference at the provider is the checkout id). */
export async function cardIntents(reference: string): Promise<{ id: string; status: string; amount: number }[]> {
  const res = await fetch(`${system().cardProvider}/__standin/intents?reference=${encodeURIComponent(reference)}`);
  return ((await res.json()) as { data: { id: string; status: string; amount: number }[] }).data;
}
