import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase, freePort } from '@storegraph/kit';
import { SERVICES } from '../../scripts/service-list.ts';
import { system } from '../support/clients.ts';

/**
 * `npm start` under faults: the launcher itself (scripts/start.ts) runs the whole system on its own
 * database and free ports; services are SIGKILLed under it and must come back by themselves; Ctrl-C (SIGINT
 * to the whole process group, as a terminal sends it) must stop every process and end the launcher.
 */

let launcher: ChildProcess;
let stderr = '';
let stdout = '';
const ports: Record<string, number> = {};
const dbName = `sg_launcher_${Date.now().toString(36)}_${process.pid}`;
let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

/** pid of a service as the launcher last reported it (`<name> up (pid N)` / `<name> restarted (pid N)`) */
function pidOf(name: string): number {
  const all = [...stderr.matchAll(new RegExp(`\\] ${name} (?:up|restarted) \\(pid (\\d+)\\)`, 'g'))];
  return Number(all.at(-1)?.[1]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    await sleep(100);
  }
  throw new Error(`${what} not within ${ms} ms\n${stderr.slice(-3000)}`);
}

const listing = async () => {
  const res = await fetch(`http://127.0.0.1:${ports['bff-b2c']}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
    body: JSON.stringify({ operationName: 'ProductListing', variables: { first: 3 } }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as { data?: { products: { nodes: { variants: { availability: unknown }[] }[] } }; errors?: unknown[] };
  return res.status === 200 && !body.errors && body.data!.products.nodes.length === 3 && body.data!.products.nodes[0]!.variants[0]!.availability !== null;
};

beforeAll(async () => {
  const databaseUrl = await ensureDatabase(system().databaseUrl, dbName);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  for (const s of SERVICES) {
    ports[s.name] = await freePort();
    env[s.portEnv] = String(ports[s.name]);
  }
  for (const k of ['PRODUCTS_URL', 'STOCK_URL', 'PRICES_URL', 'ORDERS_URL', 'GATEWAY_URL']) delete env[k];
  // Its own process group, so that the test can send SIGINT to every process at once, as Ctrl-C does.
  launcher = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  launcher.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  launcher.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  exit = new Promise((resolve) => launcher.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  await until('the launcher says it is running', 150_000, async () => stdout.includes('Storegraph is running'));
}, 180_000);

afterAll(async () => {
  if (launcher?.exitCode === null && launcher.signalCode === null) {
    process.kill(-launcher.pid!, 'SIGKILL');
    await exit;
  }
  await dropDatabase(system().databaseUrl, dbName).catch(() => {});
}, 60_000);

describe('the launcher', () => {
  it('restarts a SIGKILLed subgraph within seconds, saying why, and the listing is whole again', async () => {
    expect(await listing()).toBe(true);
    const before = pidOf('stock');
    const killed = Date.now();
    process.kill(before, 'SIGKILL');
    await until('stock restarted', 15_000, async () => pidOf('stock') !== before && alive(pidOf('stock')));
    await until('the listing whole again', 15_000, listing);
    const backMs = Date.now() - killed;
    console.log(`[resilience] stock SIGKILLed under the launcher: listing whole again after ${backMs} ms`);
    expect(stderr).toContain('stock was killed (SIGKILL); restarting in');
    expect(backMs).toBeLessThan(10_000);
  }, 40_000);

  it('restarts a SIGKILLed gateway, and the BFFs serve through the new one', async () => {
    const before = pidOf('gateway');
    const killed = Date.now();
    process.kill(before, 'SIGKILL');
    await until('gateway restarted', 15_000, async () => pidOf('gateway') !== before);
    await until('the listing whole again', 15_000, listing);
    expect(Date.now() - killed).toBeLessThan(10_000);
    expect(stderr).toContain('gateway was killed (SIGKILL); restarting in');
  }, 40_000);

  it('stops every process and exits (130) promptly on Ctrl-C', async () => {
    const pids = SERVICES.map((s) => pidOf(s.name));
    expect(pids.every(alive)).toBe(true);
    const sent = Date.now();
    process.kill(-launcher.pid!, 'SIGINT');
    const { code, at } = await exit;
    console.log(`[resilience] Ctrl-C: launcher exited ${code} after ${at - sent} ms`);
    expect(code).toBe(130);
    expect(at - sent).toBeLessThan(25_000);
    await until('every service gone', 5_000, async () => pids.every((p) => !alive(p)));
    // Children that stopped on the same Ctrl-C were part of the stop, not crashes to restart.
    expect(stderr.slice(stderr.indexOf('stopping (SIGINT)'))).not.toContain('restarted');
  }, 40_000);
});
