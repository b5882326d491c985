import postgres from 'postgres';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { benchStaffContext } from './staff-context.ts';
import type { Scenario } from './scenarios.ts';

const RESERVE = `mutation Reserve($input: ReserveStockInput!) {
  reserveStock(input: $input) {
    __typename
    ... on Reservation { id }
    ... on InsufficientStock { lines { requested available } }
  }
}`;

export const HOT_SKU_UNITS = 2000;

let seq = 0;
const key = () => `bench-${process.pid}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

/**
 * Checkout-shaped load on the stock ledger through the gateway: 3-line reservations spread over 2,000
 * SKUs, and single-unit reservations racing for one hot SKU holding HOT_SKU_UNITS units.
 */
export async function stockScenarios(databaseUrl: string, env: NodeJS.ProcessEnv): Promise<Scenario[]> {
  const sql = postgres(databaseUrl, { max: 1 });
  const spread = await sql`
    select distinct l.variant_id from stock.levels l
    join products.channel_products cp on cp.channel = 'web-eu' and cp.product_id = (select product_id from products.variants v where v.id = l.variant_id)
    where l.location_id = 'loc_wh_hamburg' and l.on_hand > 10 order by 1 limit 2000`;
  // The hot SKU is one web-eu sells (stock refuses to reserve anything else), outside the spread set.
  const [hot] = await sql`
    select l.variant_id from stock.levels l
    join products.channel_products cp on cp.channel = 'web-eu' and cp.visible and cp.product_id = (select product_id from products.variants v where v.id = l.variant_id)
    where l.location_id = 'loc_wh_hamburg' order by l.variant_id desc limit 1`;
  await sql.end();
  const hotVariant = hot!.variant_id as string;
  // Stock the hot SKU through the staff API, so the ledger stays the sum of its movements.
  const staff = await benchStaffContext(['stock-admin']);
  const res = await fetch(env.GATEWAY_URL!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: staff },
    body: JSON.stringify({
      query: 'mutation($i: StockQuantityInput!) { receiveStock(input: $i) { onHand } }',
      variables: { i: { variantId: hotVariant, locationId: 'loc_wh_hamburg', quantity: HOT_SKU_UNITS, reason: 'bench hot SKU' } },
    }),
  });
  const received = (await res.json()) as { errors?: unknown };
  if (received.errors) throw new Error(`could not stock the hot SKU: ${JSON.stringify(received.errors)}`);
  const ids = spread.map((r) => r.variant_id as string);
  return [
    {
      name: 'Reserve 3 lines across 2,000 SKUs (gateway)',
      target: 'gateway',
      query: RESERVE,
      channel: 'web-eu',
      connections: 16,
      variables: () => {
        const pick = new Set<string>();
        while (pick.size < 3) pick.add(ids[Math.floor(Math.random() * ids.length)]!);
        return { input: { idempotencyKey: key(), ttlSeconds: 900, lines: [...pick].map((variantId) => ({ variantId, quantity: 1 })) } };
      },
    },
    {
      name: `Reserve 1 unit of one hot SKU (${HOT_SKU_UNITS} units), 64 connections (gateway)`,
      target: 'gateway',
      query: RESERVE,
      channel: 'web-eu',
      connections: 64,
      variables: () => ({ input: { idempotencyKey: key(), ttlSeconds: 900, lines: [{ variantId: hotVariant, quantity: 1 }] } }),
      hotVariant,
    },
  ];
}
