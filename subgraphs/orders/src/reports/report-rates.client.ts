import { CHECKOUT_ISSUER, signChannelContext, type ChannelContext } from '@storegraph/schema';
import type { SubgraphClient } from '@storegraph/kit';

const RATES_AT = `query ReportRatesAt($input: [FxRateAtInput!]!) { fxRatesAt(input: $input) { rate } }`;

/**
 * The reports projector as a service principal (viewer on every channel), signed by orders itself: it reads
 * the rate history of prices, which only staff and services may. Signed afresh per call.
 */
function reportsContext(secret: string): Promise<string> {
  const ctx: ChannelContext = {
    requestId: `reports-${Date.now()}`,
    channel: 'reports',
    channelKind: 'B2C',
    currency: 'EUR',
    locale: 'en',
    country: 'DE',
    taxMode: 'INCLUSIVE',
    staff: { id: 'svc-reports', grants: [{ permissions: ['viewer'], channels: ['*'] }] },
  };
  return signChannelContext(ctx, secret, CHECKOUT_ISSUER);
}

/** Parts per 10^9 from prices' exact decimal string ("1.08" -> 1_080_000_000n), never through a float. */
export function ratePpbOf(rate: string): bigint {
  const [whole, fraction = ''] = rate.split('.');
  return BigInt(whole!) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9));
}

/** prices answers at most this many instants per call. */
const PER_CALL = 500;

/** `ask` over `items` in calls of at most PER_CALL, answers in the order asked. */
async function inCalls<T, R>(items: T[], ask: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const answers: R[] = [];
  for (let i = 0; i < items.length; i += PER_CALL) answers.push(...(await ask(items.slice(i, i + PER_CALL))));
  return answers;
}

/** The rate from each currency to another at each instant asked (a projector pass asks for a whole batch). */
export function ratesAt(prices: SubgraphClient, secret: string, asked: { from: string; to: string; at: Date }[]): Promise<(bigint | null)[]> {
  return inCalls(asked, (chunk) => ratesOf(prices, secret, chunk));
}

async function ratesOf(prices: SubgraphClient, secret: string, asked: { from: string; to: string; at: Date }[]): Promise<(bigint | null)[]> {
  if (asked.length === 0) return [];
  const input = asked.map((a) => ({ from: a.from, to: a.to, at: a.at.toISOString() }));
  const data = await prices.execute<{ fxRatesAt: ({ rate: string } | null)[] }>(await reportsContext(secret), `reports-${Date.now()}`, RATES_AT, {
    input,
  });
  return data.fxRatesAt.map((r) => (r ? ratePpbOf(r.rate) : null));
}

const COSTS_AT = `query ReportCostsAt($input: [CostPriceAtInput!]!) { costPricesAt(input: $input) { cost { amount currency } } }`;

type Cost = { amount: number; currency: string } | null;

/** Each line's variant cost (per unit) in force when its order was placed. */
export function costsAt(prices: SubgraphClient, secret: string, asked: { variantId: string; at: Date }[]): Promise<Cost[]> {
  return inCalls(asked, (chunk) => costsOf(prices, secret, chunk));
}

async function costsOf(prices: SubgraphClient, secret: string, asked: { variantId: string; at: Date }[]): Promise<Cost[]> {
  if (asked.length === 0) return [];
  const input = asked.map((a) => ({ variantId: a.variantId, at: a.at.toISOString() }));
  const data = await prices.execute<{ costPricesAt: ({ cost: { amount: number; currency: string } } | null)[] }>(
    await reportsContext(secret),
    `reports-${Date.now()}`,
    COSTS_AT,
    { input },
  );
  return data.costPricesAt.map((c) => c?.cost ?? null);
}
