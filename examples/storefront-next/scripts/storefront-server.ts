import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the storefront once per change of its sources and serves it with `next start`: used by
 * `npm run storefront`, the end-to-end test and the bench. A build takes about 35 s on a 2-core machine;
 * an unchanged tree (same hash of its sources and of the documents it imports) is not built again.
 */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(APP_DIR, '..', '..');
const STAMP = join(APP_DIR, '.next', 'storegraph-source-hash');
const NEXT_BIN = join(APP_DIR, 'node_modules', 'next', 'dist', 'bin', 'next');
const SOURCES = [
  join(APP_DIR, 'src'),
  join(APP_DIR, 'next.config.ts'),
  join(APP_DIR, 'package.json'),
  join(ROOT, 'packages', 'client', 'src'),
  join(ROOT, 'bffs', 'b2c', 'src', 'operations.generated.ts'),
];

/** No request leaves the machine: Next's telemetry is off in every process we start. */
const QUIET = { NEXT_TELEMETRY_DISABLED: '1' };

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else hash.update(path).update(readFileSync(path));
  };
  for (const path of SOURCES) walk(path);
  return hash.digest('hex');
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT_BIN, ...args], { cwd: APP_DIR, env: { ...process.env, ...QUIET, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next ${args[0]} exited ${code}:\n${output}`))));
  });
}

const LOCK = join(APP_DIR, '.build.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One build at a time across processes (two test files, or a test beside `npm run storefront`, start at once
 * and would both write .next): an atomic mkdir holds the lock, a lock whose process has died is taken over.
 */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(existsSync(join(LOCK, 'pid')) ? readFileSync(join(LOCK, 'pid'), 'utf8') : 0);
      if (holder > 0 && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  writeFileSync(join(LOCK, 'pid'), String(process.pid));
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds unless the last build was of the same sources; returns the seconds it took (0 when it was reused). */
export async function buildStorefront(): Promise<number> {
  return withBuildLock(async () => {
    const hash = sourceHash();
    if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) return 0;
    const started = performance.now();
    await run(['build'], {});
    writeFileSync(STAMP, hash);
    return Math.round((performance.now() - started) / 100) / 10;
  });
}

export interface StorefrontOptions {
  /** The B2C BFF's /graphql URL. */
  b2cUrl: string;
  /** Publishable key per channel (web-eu, web-us). */
  keys: Record<string, string>;
  port: number;
  /** The catalogue cache; off only to measure without it. */
  catalogueCache?: boolean;
  /** The whsec_ secret of the storefront's price.changed / product.updated endpoint (POST <url>/api/revalidate). */
  webhookSecret?: string;
  /**
   * The catalogue cache shared with other replicas in Redis, under a key prefix of its own; null keeps it in
   * this process; unset takes REDIS_URL and REDIS_KEY_PREFIX from the environment.
   */
  redis?: { url: string; keyPrefix: string } | null;
}

export interface RunningStorefront {
  url: string;
  close(): Promise<void>;
}

/**
 * Refuses a port something already listens on: the readiness probe below would otherwise take an old
 * storefront's answers for the new one's (and a restart's rotated webhook secret would leave that old one
 * refusing every delivery).
 */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: is another storefront running there?`) : err),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Serves the built storefront and resolves once it answers. */
export async function startStorefront(o: StorefrontOptions): Promise<RunningStorefront> {
  await assertPortFree(o.port);
  const env = {
    ...process.env,
    ...QUIET,
    NODE_ENV: 'production',
    STOREGRAPH_B2C_URL: o.b2cUrl,
    STOREFRONT_PUBLISHABLE_KEYS: Object.entries(o.keys)
      .map(([channel, key]) => `${channel}=${key}`)
      .join(','),
    STOREFRONT_CATALOGUE_CACHE: o.catalogueCache === false ? 'off' : 'on',
    ...(o.webhookSecret ? { STOREFRONT_WEBHOOK_SECRET: o.webhookSecret } : {}),
    ...(o.redis !== undefined ? { REDIS_URL: o.redis?.url ?? '', REDIS_KEY_PREFIX: o.redis?.keyPrefix ?? '' } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(o.port), '-H', '127.0.0.1'], {
    cwd: APP_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${o.port}`;
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`next start exited ${code}:\n${output}`))));
  const ready = (async () => {
    for (let i = 0; i < 300; i++) {
      const ok = await fetch(`${url}/`, { redirect: 'manual' }).then(
        (r) => r.status < 500,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the storefront did not answer within 30 s:\n${output}`);
  })();
  await Promise.race([ready, exited]);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
