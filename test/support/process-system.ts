import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_IDP_SECRET } from '@storegraph/bff-kit';
import { seedDemoData } from '@storegraph/demo';
import { DEV_CONTEXT_SECRET } from '@storegraph/kit';
import { dropDatabase, ensureDatabase, freePort } from '@storegraph/dev-tools';
import { portOf, SERVICES, serviceUrls, type ServiceSpec } from '../../scripts/service-list.ts';
import { SUBGRAPHS } from '@storegraph/schema';
import { TcpProxy } from './tcp-proxy.ts';
import { dbPools } from './db-pools.ts';

/**
 * The whole system as real processes (every service of the launcher's list, one process each), for tests
 * that kill and restart them: its own database on the test run's PostgreSQL server, reached through a
 * TcpProxy the test can cut. The shared test system runs in-process and must not be killed.
 */
export interface ProcessSystem {
  /** GraphQL URL per service name (`stock`, `gateway`, `bff-b2c`, ...) */
  url(name: string): string;
  /** direct URL of this system's database (not through the proxy) */
  databaseUrl: string;
  proxy: TcpProxy;
  pid(name: string): number | undefined;
  /** whether the service's process is running */
  alive(name: string): boolean;
  /** kills one service (SIGKILL unless told) and waits until it is gone */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** starts one service again and waits until it is alive */
  start(name: string): Promise<void>;
  /** starts again every service that is not running (after a test that failed before restarting what it killed) */
  revive(): Promise<void>;
  /** the last lines the service wrote to stderr (for failure messages) */
  stderr(name: string): string;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before answering ${url}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

export interface ProcessSystemOptions {
  /**
   * Services that run twice: the second is `<name>-2` on a port of its own. A subgraph's URL variable then names
   * both (the gateway round-robins between them); a second BFF is for the test to spread its clients. With a
   * second gateway, GATEWAY_URL names both: each BFF takes them in turn and passes over one that is down.
   */
  replicas?: string[];
  /** more environment for every service (fault injection, a short checkout lease, a fast recovery interval) */
  env?: Record<string, string>;
  /** each subgraph's database pool (3 unless told; two replicas of everything want fewer, see db-pools.ts) */
  pool?: number;
  /**
   * How long one service may take to answer its probe (90 s unless told): twenty processes booting tsx at once on
   * a loaded 2-core machine took longer than 90 s for a BFF.
   */
  bootMs?: number;
}

export async function startProcessSystem(sharedDatabaseUrl: string, opts: ProcessSystemOptions = {}): Promise<ProcessSystem> {
  const server = new URL(sharedDatabaseUrl);
  const dbName = `sg_resilience_${Date.now().toString(36)}_${process.pid}`;
  const serverUrl = sharedDatabaseUrl;
  const databaseUrl = await ensureDatabase(serverUrl, dbName);
  const proxy = await new TcpProxy(server.hostname, Number(server.port || 5432)).start();
  const viaProxy = new URL(databaseUrl);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: viaProxy.toString(),
    STOREGRAPH_CONTEXT_SECRET: DEV_CONTEXT_SECRET,
    STOREGRAPH_IDP_SECRET: DEV_IDP_SECRET,
    STOREGRAPH_SUPERVISED: '1',
    // small pools: this is a second system on a 2-core machine
    ...dbPools(opts.pool ?? 3),
    ...opts.env,
  };
  // Each port asked of the OS is free when asked, but nothing holds it until its service starts: the OS can
  // hand the same one out twice (a request for bff-admin once reached the second stock replica). Never reuse one.
  const taken = new Set<number>();
  const port = async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  for (const s of SERVICES) env[s.portEnv] = String(await port());
  const second = new Map<string, number>();
  for (const name of opts.replicas ?? []) second.set(name, await port());
  Object.assign(env, serviceUrls(env));
  for (const s of SUBGRAPHS) {
    const port = second.get(s.name);
    if (port) env[s.env] = `${env[s.env]},http://127.0.0.1:${port}/graphql`;
  }
  const gatewayPort = second.get('gateway');
  if (gatewayPort) env.GATEWAY_URL = `${env.GATEWAY_URL},http://127.0.0.1:${gatewayPort}/graphql`;
  /** The spec of a service or of a second replica (`<name>-2`, its own port). */
  const specOf = (name: string): ServiceSpec & { port: number } => {
    const base = SERVICES.find((s) => s.name === name.replace(/-2$/, ''))!;
    const port = name.endsWith('-2') ? second.get(base.name)! : portOf(base, env);
    return { ...base, name, port };
  };

  const children = new Map<string, ChildProcess>();
  const logs = new Map<string, string>();
  const launch = async (spec: ServiceSpec & { port: number }, path: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
      env: { ...env, [spec.portEnv]: String(spec.port) },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    logs.set(spec.name, '');
    child.stderr!.on('data', (d: Buffer) => logs.set(spec.name, (logs.get(spec.name)! + d.toString()).slice(-4000)));
    children.set(spec.name, child);
    await waitFor(`http://127.0.0.1:${spec.port}${path}`, child, opts.bootMs ?? 90_000);
  };
  const phase = (p: ServiceSpec['phase']) =>
    Promise.all(
      SERVICES.filter((s) => s.phase === p)
        .flatMap((s) => (second.has(s.name) ? [s.name, `${s.name}-2`] : [s.name]))
        .map((name) => launch(specOf(name), specOf(name).readyPath)),
    );

  const stop = async () => {
    await Promise.all(
      [...children.values()].map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }),
    );
    await proxy.close();
    await dropDatabase(serverUrl, dbName).catch(() => {});
  };
  try {
    await phase('subgraph');
    await seedDemoData(databaseUrl);
    await phase('gateway');
    await phase('bff');
  } catch (err) {
    const why = [...logs].map(([n, l]) => `--- ${n}\n${l}`).join('\n');
    await stop();
    throw new Error(`${(err as Error).message}\n${why}`);
  }

  return {
    url: (name) => `http://127.0.0.1:${specOf(name).port}/graphql`,
    databaseUrl,
    proxy,
    pid: (name) => children.get(name)?.pid,
    alive: (name) => {
      const c = children.get(name);
      return !!c && c.exitCode === null && c.signalCode === null;
    },
    kill: async (name, signal = 'SIGKILL') => {
      const c = children.get(name)!;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill(signal);
      await gone;
    },
    start: (name) => launch(specOf(name), '/healthz'),
    revive: async () => {
      const dead = [...children].filter(([, c]) => c.exitCode !== null || c.signalCode !== null).map(([n]) => n);
      await Promise.all(dead.map((n) => launch(specOf(n), '/healthz')));
    },
    stderr: (name) => logs.get(name) ?? '',
    stop,
  };
}
