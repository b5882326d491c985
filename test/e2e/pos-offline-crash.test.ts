import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_HEADER, DEFAULT_CONTEXT_ISSUERS } from '@storegraph/schema';
import { bff, postGraphQL, signedContext, sqlClient, system } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data, key } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillSignIn } from './pos-support.ts';
import { BERLIN, levelsMatchLedger, priceVariant, receive } from './stock-support.ts';

/**
 * The offline crash gap (issue #15): a second orders process (a replica on the same database) applies an offline
 * sale and is killed with SIGKILL right after stock confirmed the units and before the sale is recorded. The till
 * then posts the same batch again through the POS BFF, after the shop was restocked: the units must leave the shop
 * once. Before the stock key was written down ahead of asking, the retry chose again from what was there (a
 * restocked shop sold the whole line again).
 */

const UNIT = 2380;
const POST = `mutation($sales: [OfflineSaleInput!]!) { postOfflineSales(sales: $sales) { results { clientId status } } }`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let port = 0;
let child: ChildProcess | undefined;
const alive = () => !!child && child.exitCode === null && child.signalCode === null;

async function startReplica(): Promise<void> {
  const s = system();
  child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/orders/src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: s.databaseUrl,
      ORDERS_PORT: String(port),
      ORDERS_DB_POOL: '3',
      PRODUCTS_URL: s.products,
      STOCK_URL: s.stock[0]!,
      PRICES_URL: s.prices,
      CUSTOMERS_URL: s.customers,
      STOREGRAPH_CONTEXT_SECRET: s.contextSecret,
      STOREGRAPH_CONTEXT_ISSUERS: [...DEFAULT_CONTEXT_ISSUERS, 'test'].join(','),
      STOREGRAPH_FAULT_INJECTION: 'true',
      LOG_LEVEL: 'fatal',
    },
    stdio: 'ignore',
  });
  // Up to 60 s: a replica boots tsx and the whole subgraph, which took over 15 s on a loaded 2-core machine.
  for (let i = 0; i < 1200; i++) {
    if (!alive()) throw new Error('orders replica exited while starting');
    if (
      await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(50);
  }
  throw new Error('orders replica did not become ready');
}

const sql = sqlClient();
let till: { id: string; token: string; staffId: string; signInId: string };

beforeAll(async () => {
  port = await freePort();
  const admin = await createStaff('pos-crash-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  const cashier = await registerTillStaff(staffToken, 'CASHIER', '4321');
  const t = await registerTill(staffToken, BERLIN);
  const signedIn = await tillSignIn(t, cashier.staffCode, cashier.pin);
  expect(signedIn.__typename).toBe('TillSignedIn');
  // The sign-in's id is the till token's `sid`: the replica is called with the context the POS BFF would sign for it.
  const claims = JSON.parse(Buffer.from(signedIn.accessToken.split('.')[1], 'base64url').toString('utf8'));
  till = { id: t.id, token: signedIn.accessToken, staffId: cashier.id, signInId: claims.sid };
}, 60_000);

afterAll(async () => {
  if (alive()) child!.kill('SIGKILL');
  await sql.end();
});

async function product(units: number) {
  const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Offline crash product' });
  const variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  await receive(variantId, BERLIN, units);
  return variantId;
}

async function ledger(variantId: string) {
  const moves = await sql<{ delta: number }[]>`
    select delta_on_hand as delta from stock.movements where variant_id = ${variantId} and kind = 'SALE' order by id`;
  const [level] = await sql<{ on_hand: number; reserved: number }[]>`
    select on_hand, reserved from stock.levels where variant_id = ${variantId} and location_id = ${BERLIN}`;
  return { sold: moves.map((m) => m.delta), level: [level!.on_hand, level!.reserved] };
}

/** Posts the batch to the replica with the crash point named: the process must die and answer nothing. */
async function crashWhileApplying(sales: unknown[]) {
  if (!alive()) await startReplica();
  const context = await signedContext('pos-berlin', { till: { id: till.id, signInId: till.signInId, staffId: till.staffId, role: 'CASHIER' } });
  const attempt = () =>
    postGraphQL<any>(
      `http://127.0.0.1:${port}/graphql`,
      { query: POST, variables: { sales } },
      { [CONTEXT_HEADER]: context, 'x-storegraph-crash-at': 'till-offline:after-confirm' },
    ).catch(() => null);
  let answer = await attempt();
  // A loaded shared machine can refuse the fresh replica a connection for a moment (retryable, nothing applied).
  for (let i = 0; i < 20 && answer?.errors?.every((e: any) => e.extensions?.retryable); i++) {
    await sleep(1000);
    answer = await attempt();
  }
  expect(answer).toBeNull();
  for (let i = 0; i < 200 && alive(); i++) await sleep(25);
  expect(alive()).toBe(false);
}

describe('an offline sale whose process dies after stock sold it and before it was recorded', () => {
  it('sells the units once when the till posts it again after the shop was restocked (the shop had too few)', async () => {
    // 3 units in the shop, 5 sold offline: the first apply sells the 3 (a shortfall of 2) and dies.
    const variantId = await product(3);
    const sale = {
      clientId: key('crash'),
      soldAt: new Date(Date.now() - 60_000).toISOString(),
      lines: [{ variantId, quantity: 5, unitPrice: UNIT }],
      tenders: [{ method: 'CASH', amount: 5 * UNIT }],
    };
    await crashWhileApplying([sale]);
    expect(await ledger(variantId)).toEqual({ sold: [-3], level: [0, 0] });
    const [recorded] = await sql`select count(*)::int as n from orders.till_sales where till_id = ${till.id} and client_id = ${sale.clientId}`;
    expect(recorded!.n).toBe(0);
    // 10 more arrive: asked afresh, the shop could now sell all 5. The retry finds the 3 it sold and records them.
    await receive(variantId, BERLIN, 10);
    const retried = data(await bff('pos', 'PostOfflineSales', { sales: [sale] }, { token: till.token })).postOfflineSales.results;
    expect(retried).toEqual([
      {
        clientId: sale.clientId,
        status: 'APPLIED',
        receiptNumber: retried[0].receiptNumber,
        orderId: retried[0].orderId,
        flags: ['STOCK_SHORTFALL'],
        shortfalls: [{ variantId, quantity: 2 }],
        reason: null,
      },
    ]);
    // 3 left once; 0 + 10 received = 10 on hand.
    expect(await ledger(variantId)).toEqual({ sold: [-3], level: [10, 0] });
    const again = data(await bff('pos', 'PostOfflineSales', { sales: [sale] }, { token: till.token })).postOfflineSales.results;
    expect(again[0].status).toBe('ALREADY_APPLIED');
    expect(await ledger(variantId)).toEqual({ sold: [-3], level: [10, 0] });
    await levelsMatchLedger([variantId]);
  }, 120_000);

  it('sells the units once when the shop had them all', async () => {
    const variantId = await product(4);
    const sale = {
      clientId: key('crash'),
      soldAt: new Date(Date.now() - 60_000).toISOString(),
      lines: [{ variantId, quantity: 2, unitPrice: UNIT }],
      tenders: [{ method: 'CASH', amount: 2 * UNIT }],
    };
    await crashWhileApplying([sale]);
    expect(await ledger(variantId)).toEqual({ sold: [-2], level: [2, 0] });
    const retried = data(await bff('pos', 'PostOfflineSales', { sales: [sale] }, { token: till.token })).postOfflineSales.results;
    expect(retried.map((r: any) => [r.status, r.flags, r.shortfalls])).toEqual([['APPLIED', [], []]]);
    // 4 - 2 = 2 left: the retry sold nothing more.
    expect(await ledger(variantId)).toEqual({ sold: [-2], level: [2, 0] });
    await levelsMatchLedger([variantId]);
  }, 120_000);
});
