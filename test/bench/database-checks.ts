/**
 * What the bench reads from its database around the load: the catalogue's size, a sample product, and after the
 * races that stock never oversold and the hot SKU's ledger adds up to its level.
 */
import postgres from 'postgres';
import { CHANNELS } from '@storegraph/demo';

export async function catalogStats(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1 });
  const [row] =
    await sql`select (select count(*)::int from products.products) as products, (select count(*)::int from products.variants) as variants, (select count(*)::int from stock.levels) as levels`;
  const currencies = await sql`select distinct currency from prices.price_books order by 1`;
  await sql.end();
  return {
    ...(row as { products: number; variants: number; levels: number }),
    currencies: currencies.map((c) => c.currency as string),
    channels: CHANNELS.length,
  };
}

export async function sampleRows(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1 });
  const [row] = await sql`
    select p.slug, v.gtin from products.products p
    join products.variants v on v.product_id = p.id
    join products.channel_products cw on cw.product_id = p.id and cw.channel = 'web-eu'
    join products.channel_products cp on cp.product_id = p.id and cp.channel = 'pos-berlin'
    order by p.id limit 1`;
  await sql.end();
  return row as { slug: string; gtin: string };
}

export async function oversellCheck(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1 });
  const [row] = await sql`select count(*)::int as n from stock.levels where reserved > on_hand or reserved < 0`;
  await sql.end();
  return row!.n as number;
}

/** The hot SKU after the race: reserved never above on hand, and the ledger adds up. */
export async function hotSkuCheck(databaseUrl: string, variantId: string) {
  const sql = postgres(databaseUrl, { max: 1 });
  const [level] = await sql`select on_hand, reserved from stock.levels where variant_id = ${variantId} and location_id = 'loc_wh_hamburg'`;
  const [ledger] =
    await sql`select coalesce(sum(delta_on_hand), 0)::int as on_hand, coalesce(sum(delta_reserved), 0)::int as reserved from stock.movements where variant_id = ${variantId} and location_id = 'loc_wh_hamburg'`;
  await sql.end();
  return {
    onHand: level!.on_hand as number,
    reserved: level!.reserved as number,
    ledgerOnHand: ledger!.on_hand as number,
    ledgerReserved: ledger!.reserved as number,
  };
}
