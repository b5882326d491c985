import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase, freePort } from '@storegraph/dev-tools';
import { CONTEXT_HEADER, DEFAULT_CONTEXT_ISSUERS } from '@storegraph/schema';
import { postGraphQL, signedContext, system } from '../support/clients.ts';
import { untilReady } from '../support/process-ready.ts';

/**
 * Crash safety of the job queue (packages/kit/src/job-queue.ts): a products process takes a best-effort bulk
 * import, is killed with SIGKILL after its first chunks committed, and is started again; the import then
 * finishes exactly once. The process runs on a database of its own so that no other products process (the
 * test system's) can take the job: the one that dies is the one running it.
 */

// 6,000 rows in chunks of 500 (bulk-write.ts CHUNK) = 12 chunks, each committed with its checkpoint.
const ROWS = 6_000;
const dbName = `sg_jobs_crash_${process.pid}_${Date.now().toString(36)}`;
const serverUrl = () => system().databaseUrl.replace(/\/[^/]*$/, '/postgres');
let databaseUrl = '';
let port = 0;
let child: ChildProcess | undefined;
let sql: postgres.Sql;

const alive = () => !!child && child.exitCode === null && child.signalCode === null;

async function startProducts(): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/products/src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      PRODUCTS_PORT: String(port),
      PRODUCTS_DB_POOL: '3',
      STOREGRAPH_CONTEXT_SECRET: system().contextSecret,
      STOREGRAPH_CONTEXT_ISSUERS: [...DEFAULT_CONTEXT_ISSUERS, 'test'].join(','),
      // A dead run is noticed within half a minute: expired 30 s after it started, checked every second. An
      // honest run must finish inside that (the resumed one here writes up to 5,500 rows); 3 s was too short on
      // a loaded machine: the resumed run was itself expired and superseded (safe, but not this test's story).
      PRODUCTS_BULK_JOB_EXPIRE_SECONDS: '30',
      STOREGRAPH_JOBS_MAINTENANCE_SECONDS: '1',
      STOREGRAPH_JOBS_POLL_SECONDS: '0.5',
      LOG_LEVEL: 'fatal',
    },
    stdio: 'ignore',
  });
  await untilReady(port, alive, 'products');
}

beforeAll(async () => {
  databaseUrl = await ensureDatabase(serverUrl(), dbName);
  port = await freePort();
  await startProducts();
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  await sql`insert into products.products (id, slug, name, status) values ('prd_crash', 'crash', 'Crash test product', 'ACTIVE')`;
}, 90_000);

afterAll(async () => {
  if (alive()) child!.kill('SIGKILL');
  await sql?.end();
  await dropDatabase(serverUrl(), dbName).catch(() => {});
});

const BULK = `mutation($input: BulkUpsertVariantsInput!) { bulkUpsertVariants(input: $input) { id status total } }`;

describe('a bulk import whose process is killed', () => {
  it(`resumes after a restart and writes each of ${ROWS} rows exactly once`, async () => {
    const lines = ['sku,productId,option:size'];
    for (let i = 1; i <= ROWS; i++) lines.push(`CRASH-${i},prd_crash,M`);
    const staff = await signedContext('web-eu', { staff: { id: 'stf_crash', roles: ['catalog-admin'], channels: ['*'] } });
    const res = await postGraphQL(
      `http://127.0.0.1:${port}/graphql`,
      { query: BULK, variables: { input: { mode: 'BEST_EFFORT', csv: lines.join('\n') } } },
      { [CONTEXT_HEADER]: staff },
    );
    expect(res.errors).toBeUndefined();
    const id = res.data.bulkUpsertVariants.id as string;
    expect(res.data.bulkUpsertVariants.total).toBe(ROWS);

    // Kill it once at least one chunk has committed and before the last has.
    let seen: { cursor: number; status: string } | undefined;
    for (let i = 0; i < 6000; i++) {
      [seen] = await sql<{ cursor: number; status: string }[]>`select cursor, status::text from products.bulk_jobs where id = ${id}`;
      if (seen && seen.cursor > 0) break;
      await sleep(5);
    }
    child!.kill('SIGKILL');
    for (let i = 0; i < 200 && alive(); i++) await sleep(25);
    expect(alive()).toBe(false);
    const [dead] = await sql<{ cursor: number; status: string; written: number; attempt: number }[]>`
      select cursor, status::text, written, attempt from products.bulk_jobs where id = ${id}`;
    // If the whole import had finished before the kill landed, this run proves nothing: fail loudly.
    expect(dead!.status).toBe('RUNNING');
    expect(dead!.cursor).toBeGreaterThan(0);
    expect(dead!.attempt).toBe(1);
    const [counted] = await sql<{ n: number }[]>`select count(*)::int as n from products.variants where sku like 'CRASH-%'`;
    const before = counted!.n;
    // Whole chunks only (the one in flight rolled back with the process), and not all 12 of them.
    expect(before % 500).toBe(0);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(ROWS);

    await startProducts();
    let job: { status: string; written: number; failed: number; processed: number; attempt: number } | undefined;
    for (let i = 0; i < 240; i++) {
      [job] = await sql<NonNullable<typeof job>[]>`select status::text, written, failed, processed, attempt from products.bulk_jobs where id = ${id}`;
      if (job?.status !== 'RUNNING') break;
      await sleep(500);
    }
    expect(job).toEqual({ status: 'SUCCEEDED', written: ROWS, failed: 0, processed: ROWS, attempt: 2 });
    // Each variant written once: a second upsert of a row would have moved its version to 2.
    const versions = await sql<{ version: number; n: number }[]>`
      select version, count(*)::int as n from products.variants where sku like 'CRASH-%' group by version`;
    expect(versions).toEqual([{ version: 1, n: ROWS }]);
    // The queue's own record: one job, completed, taken twice (the killed run and the resumed one).
    // The queue records the outcome just after the import's last commit: poll for it.
    let queued: { state: string; retry_count: number }[] = [];
    for (let i = 0; i < 60; i++) {
      queued = await sql`select state::text, retry_count from products_jobs.job where name = 'products.bulk-import'`;
      if (queued[0]?.state === 'completed') break;
      await sleep(500);
    }
    expect(queued).toEqual([{ state: 'completed', retry_count: 1 }]);
  }, 180_000);
});
