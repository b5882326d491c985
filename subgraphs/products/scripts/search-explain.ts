/**
 * `npx tsx subgraphs/products/scripts/search-explain.ts`: the storefront search's plan before and after the materialised search
 * documents (migration 0008) on a generated catalogue (SEARCH_PRODUCTS, default 100,000), in a throwaway database
 * on SERVER_URL (default the machine's 127.0.0.1:5432), dropped after. Seeds with migrations up to 0007, runs
 * EXPLAIN (ANALYZE, BUFFERS) of the per-product fallback-chain search, applies 0008 (its backfill timed), runs the
 * indexed search, and fails unless both answer the same products in the same order with the same ranks.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { and, asc, desc, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { CHANNELS, demoProducts } from '../../../packages/demo/src/demo-catalog.ts';
import { seedProducts } from '../../../packages/demo/src/seed-products.ts';
import { channelProducts, products } from '../src/db/tables.ts';
import { listingConditions } from '../src/services/listing-conditions.ts';
import { chainSearch, documentSearch, type SearchSql } from '../src/services/search-match.ts';
import { channelJoin, channelValues, productFields } from '../src/services/visibility.ts';

const SERVER = process.env.SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const COUNT = Number(process.env.SEARCH_PRODUCTS ?? 100_000);
const DB = `sg_search_explain_${process.pid}`;
const MIGRATIONS = new URL('../src/db/migrations', import.meta.url).pathname;
/** A common word (one product in seven is a jacket), an adjective, two words an English reader finds, and none. */
const CASES = [
  { channel: 'web-eu', locale: 'de-DE', q: 'Jacke' },
  { channel: 'web-eu', locale: 'fr-FR', q: 'veste' },
  { channel: 'web-eu', locale: 'en-GB', q: 'fjell jacket' },
  { channel: 'trade-eu', locale: 'de-DE', q: 'Rucksack' },
  { channel: 'web-eu', locale: 'de-DE', q: 'zzzyzzx' },
];

type Case = (typeof CASES)[number];
type Make = (channel: ReturnType<typeof channelValues>, c: Case) => SearchSql;
const chain: Make = (channel, c) => chainSearch(channel, c.q);
const documents: Make = (channel, c) =>
  documentSearch(channel, c.q, { caller: c.locale, channelDefault: CHANNELS.find((x) => x.code === c.channel)!.defaultLocale });

function query(db: ReturnType<typeof drizzle>, c: Case, make: Make) {
  const channel = channelValues({ channel: c.channel, locale: c.locale } as never);
  const search = make(channel, c);
  // The listing's RELEVANCE page of 50 (listing.service builtPage), first page.
  return db
    .select({ ...productFields(channel), rank: sql<string>`${search.rank}::text`.as('rank') })
    .from(products)
    .innerJoin(channelProducts, channelJoin(channel))
    .where(and(...listingConditions(channel, { search: c.q }, search)))
    .orderBy(desc(search.rank), asc(products.id))
    .limit(51);
}

/** Each case with the server's JIT setting, then without JIT (compiling the per-product plan cost seconds). */
async function explain(client: postgres.Sql, db: ReturnType<typeof drizzle>, make: Make) {
  const out: { case: string; ms: number; msNoJit: number; plan: string; rows: string[] }[] = [];
  const time = (plan: string[]) => Number(/Execution Time: ([\d.]+)/.exec(plan.join('\n'))?.[1]);
  for (const c of CASES) {
    const { sql: text, params } = query(db, c, make).toSQL();
    const run = () => client.unsafe(`explain (analyze, buffers) ${text}`, params as never[]).then((r) => r.map((x) => x['QUERY PLAN'] as string));
    const plan = await run();
    await client`set jit = off`;
    const noJit = await run();
    await client`reset jit`;
    const rows = (await client.unsafe(text, params as never[])).map((r) => `${r.id} ${r.rank}`);
    out.push({ case: `${c.channel} ${c.locale} "${c.q}"`, ms: time(plan), msNoJit: time(noJit), plan: noJit.join('\n'), rows });
  }
  return out;
}

const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${DB}`);
const url = SERVER.replace(/\/[^/]*$/, `/${DB}`);
const client = postgres(url, { max: 1, onnotice: () => {} });
const db = drizzle(client);
const beforeDir = mkdtempSync(path.join(tmpdir(), 'sg-migrations-'));
try {
  // The migrations as they were before 0008: the folder without it, the journal without its entry.
  cpSync(MIGRATIONS, beforeDir, { recursive: true });
  rmSync(path.join(beforeDir, '0008_channel-search-documents.sql'));
  const journal = JSON.parse(readFileSync(path.join(beforeDir, 'meta/_journal.json'), 'utf8'));
  journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < '0008');
  writeFileSync(path.join(beforeDir, 'meta/_journal.json'), JSON.stringify(journal));
  await migrate(db, { migrationsFolder: beforeDir, migrationsSchema: 'products', migrationsTable: '__migrations' });
  let t = Date.now();
  await db.transaction((tx) => seedProducts(tx as never, demoProducts(COUNT)));
  await client`analyze`;
  console.log(`seeded ${COUNT} products in ${Date.now() - t} ms`);
  const before = await explain(client, db, chain);

  t = Date.now();
  await migrate(db, { migrationsFolder: MIGRATIONS, migrationsSchema: 'products', migrationsTable: '__migrations' });
  await client`analyze`;
  const [docs] =
    await client`select count(*)::int as n, pg_size_pretty(pg_total_relation_size('products.channel_search_documents')) as size from products.channel_search_documents`;
  console.log(`migration 0008 (backfill of ${docs!.n} documents, ${docs!.size} with indexes) in ${Date.now() - t} ms`);
  const indexed = await explain(client, db, documents);

  // What a write costs now: one statement retranslating 1,000 products (each in 3 to 4 channels).
  t = Date.now();
  await client`update products.product_translations set description = description || ' neu' where locale = 'de-DE' and product_id in (select id from products.products order by id limit 1000)`;
  console.log(`1,000 translations updated with their documents in ${Date.now() - t} ms`);

  let same = true;
  for (const [i, a] of before.entries()) {
    const b = indexed[i]!;
    const equal = JSON.stringify(a.rows) === JSON.stringify(b.rows);
    same &&= equal;
    console.log(`\n=== ${a.case}: ${a.rows.length} rows on the page, same answer: ${equal}; ${a.ms} -> ${b.ms} ms (JIT off: ${a.msNoJit} -> ${b.msNoJit} ms)`);
    if (process.env.SEARCH_PLANS !== '0') console.log(`--- before (JIT off)\n${a.plan}\n--- after (JIT off)\n${b.plan}`);
  }
  if (!same) process.exitCode = 1;
} finally {
  rmSync(beforeDir, { recursive: true, force: true });
  await client.end({ timeout: 5 });
  // SEARCH_KEEP=1 leaves the database for experiments (drop it by hand after).
  if (process.env.SEARCH_KEEP === '1') console.log(`kept ${url}`);
  else await admin.unsafe(`drop database ${DB} with (force)`);
  await admin.end({ timeout: 5 });
}
