import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase, freePort } from '@storegraph/dev-tools';
import { SERVICES } from '../../scripts/service-list.ts';
import { system } from '../support/clients.ts';
import { dbPools } from '../support/db-pools.ts';

/**
 * `npm start` under faults: the launcher itself (scripts/start.ts) runs the whole system on its own
 * database and free ports; services are SIGKILLed under it and must come back by themselves; Ctrl-C (SIGINT
 * to the whole process group, as a terminal sends it) must stop every process and end the launcher.
 */

/** One `npm start` in its own process group, on free ports. */
class Launcher {
  child!: ChildProcess;
  stderr = '';
  stdout = '';
  readonly ports: Record<string, number> = {};
  exit!: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

  async start(extra: NodeJS.ProcessEnv): Promise<this> {
    // Pools of 2: this is a second whole system on a PostgreSQL that may allow only 100 connections (db-pools.ts).
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...dbPools(2), ...extra };
    for (const s of SERVICES) {
      this.ports[s.name] = await freePort();
      env[s.portEnv] = String(this.ports[s.name]);
    }
    for (const k of ['DATABASE_URL', 'PRODUCTS_URL', 'STOCK_URL', 'PRICES_URL', 'ORDERS_URL', 'GATEWAY_URL']) if (!(k in extra)) delete env[k];
    // Its own process group, so that the test can send SIGINT to every process at once, as Ctrl-C does.
    this.child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    await this.until('the launcher says it is running', 150_000, async () => this.stdout.includes('Storegraph is running'));
    return this;
  }

  /** pid of a service as the launcher last reported it (`<name> up (pid N)` / `<name> restarted (pid N)`) */
  pidOf(name: string): number {
    const all = [...this.stderr.matchAll(new RegExp(`\\] ${name} (?:up|restarted) \\(pid (\\d+)\\)`, 'g'))];
    return Number(all.at(-1)?.[1]);
  }

  async until<T>(what: string, ms: number, probe: () => Promise<T | undefined | false>): Promise<T> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const v = await probe().catch(() => undefined);
      if (v) return v;
      await sleep(100);
    }
    throw new Error(`${what} not within ${ms} ms\n${this.stderr.slice(-3000)}`);
  }

  /** The B2C listing answers whole (products, prices and availability). */
  async listingWhole(): Promise<boolean> {
    const res = await fetch(`http://127.0.0.1:${this.ports['bff-b2c']}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
      body: JSON.stringify({ operationName: 'ProductListing', variables: { first: 3 } }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { data?: { products: { nodes: { variants: { availability: unknown }[] }[] } }; errors?: unknown[] };
    return res.status === 200 && !body.errors && body.data!.products.nodes.length === 3 && body.data!.products.nodes[0]!.variants[0]!.availability !== null;
  }

  /**
   * Shoppers browsing while something is killed: 4 loops of anonymous listings until stopped. Answers the
   * statuses and error codes seen; any answer that is not JSON counts as 'not-json'.
   */
  browse(): { stop(): Promise<{ answers: number; statuses: Set<number>; codes: Set<string> }> } {
    let running = true;
    const seen = { answers: 0, statuses: new Set<number>(), codes: new Set<string>() };
    const loop = async (n: number) => {
      while (running) {
        const res = await fetch(`http://127.0.0.1:${this.ports['bff-b2c']}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ operationName: 'ProductListing', variables: { first: 2 + (n % 2) } }),
          signal: AbortSignal.timeout(10_000),
        }).catch((err: Error) => err);
        if (res instanceof Error) {
          // A connection the BFF dropped is an answer the shopper never got: counted, and asserted on by the test.
          seen.statuses.add(0);
          seen.codes.add(`no answer: ${(res.cause as Error | undefined)?.message ?? res.message}`);
          await sleep(50);
          continue;
        }
        seen.answers += 1;
        seen.statuses.add(res.status);
        const body = (await res.json().catch(() => ({ errors: [{ extensions: { code: 'not-json' } }] }))) as { errors?: { extensions?: { code?: string } }[] };
        for (const e of body.errors ?? []) seen.codes.add(String(e.extensions?.code));
      }
    };
    const loops = [0, 1, 2, 3].map(loop);
    const stop = async () => {
      running = false;
      await Promise.all(loops);
      this.browsing.delete(stop);
      return seen;
    };
    this.browsing.add(stop);
    return { stop };
  }

  /** Shoppers a failed test left browsing are stopped before the next test (they would hammer it). */
  readonly browsing = new Set<() => Promise<unknown>>();
  async stopBrowsing(): Promise<void> {
    await Promise.all([...this.browsing].map((stop) => stop()));
  }

  async kill(): Promise<void> {
    if (this.child?.exitCode === null && this.child.signalCode === null) {
      process.kill(-this.child.pid!, 'SIGKILL');
      await this.exit;
    }
  }
}

const execFileText = async (cmd: string, args: string[]) => (await promisify(execFile)(cmd, args)).stdout;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const dbName = `sg_launcher_${Date.now().toString(36)}_${process.pid}`;
const launcher = new Launcher();

beforeAll(async () => {
  await launcher.start({ DATABASE_URL: await ensureDatabase(system().databaseUrl, dbName) });
}, 180_000);

afterEach(async () => {
  await launcher.stopBrowsing();
});

afterAll(async () => {
  await launcher.kill();
  await dropDatabase(system().databaseUrl, dbName).catch(() => {});
}, 60_000);

// One launcher serves each block's tests as one story (kill, kill, then Ctrl-C; restart, then a crash loop):
// the last test ends the launcher, so the order within a block is fixed even when files are shuffled.
describe('the launcher', { shuffle: false }, () => {
  it('restarts a SIGKILLed subgraph within seconds, saying why, and browsing never sees INTERNAL_SERVER_ERROR', async () => {
    expect(await launcher.listingWhole()).toBe(true);
    const shoppers = launcher.browse();
    const before = launcher.pidOf('stock');
    const killed = Date.now();
    process.kill(before, 'SIGKILL');
    await launcher.until('stock restarted', 25_000, async () => launcher.pidOf('stock') !== before && alive(launcher.pidOf('stock')));
    const restartedMs = Date.now() - killed;
    await launcher.until('the listing whole again', 25_000, () => launcher.listingWhole());
    const backMs = Date.now() - killed;
    const seen = await shoppers.stop();
    console.log(
      `[resilience] stock SIGKILLed under the launcher: up again after ${restartedMs} ms, listing whole after ${backMs} ms; ${seen.answers} answers while it was down, statuses ${[...seen.statuses]}, codes ${[...seen.codes]}`,
    );
    // Listings are answered whole or with availability null (200). A 503 (retryable, with Retry-After) is
    // allowed too: on a loaded 2-core machine it was seen now and then while stock rebooted
    // beside it, so that a listing failed as a whole (data null, SERVICE_UNAVAILABLE). Never a 500, never a
    // dropped connection.
    expect(seen.statuses.has(200)).toBe(true);
    expect(
      [...seen.statuses].filter((s) => s !== 200 && s !== 503),
      launcher.stderr.slice(-4000),
    ).toEqual([]);
    expect(
      [...seen.codes].filter((c) => c !== 'SERVICE_UNAVAILABLE'),
      launcher.stderr.slice(-4000),
    ).toEqual([]);
    expect(launcher.stderr).toContain('stock was killed (SIGKILL); restarting in');
    // "Back within seconds", not a speed figure: a node + tsx boot on a busy 2-core machine took 2-12 s here.
    expect(backMs).toBeLessThan(25_000);
  }, 60_000);

  it('restarts a SIGKILLed gateway, and the BFFs serve through the new one, answering only retryable failures meanwhile', async () => {
    const shoppers = launcher.browse();
    const before = launcher.pidOf('gateway');
    const killed = Date.now();
    process.kill(before, 'SIGKILL');
    await launcher.until('gateway restarted', 25_000, async () => launcher.pidOf('gateway') !== before);
    await launcher.until('the listing whole again', 25_000, () => launcher.listingWhole());
    expect(Date.now() - killed).toBeLessThan(25_000);
    const seen = await shoppers.stop();
    console.log(
      `[resilience] gateway SIGKILLed under the launcher: ${seen.answers} answers meanwhile, statuses ${[...seen.statuses]}, codes ${[...seen.codes]}`,
    );
    // The listings asked before are served stale (200); anything else is a retryable 503.
    expect(
      [...seen.statuses].filter((s) => s !== 200 && s !== 503),
      launcher.stderr.slice(-4000),
    ).toEqual([]);
    expect(
      [...seen.codes].filter((c) => c !== 'SERVICE_UNAVAILABLE'),
      launcher.stderr.slice(-4000),
    ).toEqual([]);
    expect(launcher.stderr).toContain('gateway was killed (SIGKILL); restarting in');
  }, 60_000);

  it('stops every process and exits (130) promptly on Ctrl-C', async () => {
    const pids = SERVICES.map((s) => launcher.pidOf(s.name));
    expect(
      SERVICES.filter((_s, i) => !alive(pids[i]!)).map((s) => s.name),
      launcher.stderr.slice(-4000),
    ).toEqual([]);
    const sent = Date.now();
    process.kill(-launcher.child.pid!, 'SIGINT');
    const { code, at } = await launcher.exit;
    console.log(`[resilience] Ctrl-C: launcher exited ${code} after ${at - sent} ms`);
    expect(code).toBe(130);
    expect(at - sent).toBeLessThan(25_000);
    await launcher.until('every service gone', 5_000, async () => pids.every((p) => !alive(p)));
    // Children that stopped on the same Ctrl-C were part of the stop, not crashes to restart.
    expect(launcher.stderr.slice(launcher.stderr.indexOf('stopping (SIGINT)'))).not.toContain('restarted');
  }, 40_000);
});

describe('the launcher on its embedded PostgreSQL', { shuffle: false }, () => {
  const dataDir = `.data/launcher-test-${process.pid}`;
  const embedded = new Launcher();

  beforeAll(async () => {
    await embedded.start({ STOREGRAPH_DATA_DIR: dataDir });
  }, 180_000);

  afterEach(async () => {
    await embedded.stopBrowsing();
  });

  afterAll(async () => {
    await embedded.kill();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('restarts PostgreSQL when it hangs and is SIGKILLed, and the services reconnect without being restarted', async () => {
    const services = SERVICES.map((s) => embedded.pidOf(s.name));
    const postmaster = Number((await readFile(`${dataDir}/pg/postmaster.pid`, 'utf8')).split('\n')[0]);
    // The database first hangs (every PostgreSQL process stopped) while shoppers browse and the relays
    // poll, so that queries are in flight when it dies: the way a crashing server takes its connections
    // down. That is what crashed three services inside the driver (porsager/postgres#1208, patched).
    const backends = (await execFileText('pgrep', ['-P', String(postmaster)])).split('\n').filter(Boolean).map(Number);
    const shoppers = embedded.browse();
    for (const pid of [postmaster, ...backends]) process.kill(pid, 'SIGSTOP');
    await sleep(5_000);
    const killed = Date.now();
    process.kill(postmaster, 'SIGKILL');
    for (const pid of backends) process.kill(pid, 'SIGCONT');
    await embedded.until('postgresql restarted', 30_000, async () => embedded.stderr.includes('postgresql restarted'));
    await embedded.until('the listing whole again', 20_000, () => embedded.listingWhole());
    console.log(`[resilience] embedded PostgreSQL SIGKILLed: listing whole again after ${Date.now() - killed} ms`);
    // What shoppers see while the database is gone is asserted in resilience-degrade.test.ts.
    await shoppers.stop().catch(() => undefined);
    expect(embedded.stderr).toMatch(/postgresql exited with code 1; restarting in/);
    const why = `${embedded.stderr.slice(-3000)}\n${embedded.stdout.slice(-3000)}`;
    expect(
      SERVICES.map((s) => embedded.pidOf(s.name)),
      why,
    ).toEqual(services);
  }, 60_000);

  it('stops everything and exits 1 when a service keeps crashing', async () => {
    const pids = SERVICES.map((s) => embedded.pidOf(s.name));
    const stock = embedded.pidOf('stock');
    process.kill(stock, 'SIGKILL');
    await embedded.until('stock gone', 5_000, async () => !alive(stock));
    // Its port taken by something else: every restart of stock fails (EADDRINUSE).
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen(embedded.ports.stock, '127.0.0.1', resolve);
    });
    try {
      const { code } = await embedded.exit;
      expect(code).toBe(1);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    // Six boots that each fail (a node + tsx boot took up to 12 s on the busy CI machine) and the backoff
    // between them: the give-up counts failed starts in a row, not crashes in a wall-clock minute.
    expect(embedded.stderr).toMatch(/stock .*; it crashed 6 times in a row, each within 60 s of starting: giving up/);
    await embedded.until('every service gone', 5_000, async () => pids.every((p) => !alive(p)));
    expect(existsSync(`${dataDir}/pg/postmaster.pid`)).toBe(false);
  }, 150_000);
});
