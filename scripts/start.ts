/**
 * `pnpm start`: the whole system on one machine. Uses DATABASE_URL when set, else an embedded
 * PostgreSQL under .data/. Every subgraph, the gateway and each BFF runs as its own process, supervised:
 * a crashed service (or the embedded PostgreSQL) is restarted with backoff; Ctrl-C or SIGTERM stops them
 * all and the database and exits (130 / 143); a service that keeps crashing stops everything with exit 1.
 * Demo data is seeded once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_IDP_SECRET, DEMO_USERS, issueToken } from '@storegraph/bff-kit';
import { DEV_CONTEXT_SECRET, SERVICE_NODE_FLAGS } from '@storegraph/kit';
import { ensureDatabase, startEmbeddedPostgres } from '@storegraph/dev-tools';
import { DEMO_PASSWORD, DEMO_PUBLISHABLE_KEYS, seedDemoData } from '@storegraph/demo';
import { portOf, SERVICES, serviceUrls, type ServiceSpec } from './service-list.ts';
import { spawnService, Supervisor, type Handle } from './supervisor.ts';

const log = (line: string) => console.error(`[storegraph] ${line}`);
/** How long one service may take to stop (drain, close its pools) before it is killed. */
const STOP_GRACE_MS = 8_000;
/** The launcher exits by then whatever happens: it must never hang half-stopped. */
const STOP_DEADLINE_MS = 25_000;
const POSTGRES = 'postgresql';

let exiting = false;
const supervisor = new Supervisor({ log, onGiveUp: () => void shutdown(1, 'a service keeps crashing') });

async function shutdown(code: number, why: string) {
  if (exiting) return;
  exiting = true;
  log(`stopping (${why}) ...`);
  setTimeout(() => {
    log(`still stopping after ${STOP_DEADLINE_MS / 1000} s: exiting anyway`);
    process.exit(code || 1);
  }, STOP_DEADLINE_MS).unref();
  // BFFs first (no new requests in), then the gateway, the subgraphs, and the database last.
  const order = ['bff', 'gateway', 'subgraph'].map((phase) =>
    SERVICES.filter((s) => s.phase === phase)
      .map((s) => s.name)
      .join(','),
  );
  await supervisor.stopAll([...order, POSTGRES], STOP_GRACE_MS).catch((err) => log(`error while stopping: ${err}`));
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130, 'SIGINT'));
process.on('SIGTERM', () => void shutdown(143, 'SIGTERM'));

async function waitReady(name: string, url: string, handle: Handle) {
  let gone = false;
  void handle.exited.then(() => {
    gone = true;
  });
  for (let i = 0; i < 1200; i++) {
    if (gone) throw new Error(`${name} exited before it was ready`);
    if (supervisor.isStopping) throw new Error(`stopping while ${name} was starting`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${name} did not become ready at ${url}`);
}

/** A service as the supervisor sees it: started, and (on a first start) waited for until it says it is up. */
function supervised(spec: ServiceSpec, env: NodeJS.ProcessEnv) {
  let started = false;
  return {
    name: spec.name,
    start: async () => {
      const handle = spawnService(spec.entry, env, SERVICE_NODE_FLAGS);
      // The first start waits until it is ready (its dependencies answer); a restart only until it is alive,
      // since what it depends on may be what is down.
      const path = started ? '/healthz' : spec.readyPath;
      try {
        await waitReady(spec.name, `http://127.0.0.1:${portOf(spec, env)}${path}`, handle);
      } catch (err) {
        await handle.stop(1_000);
        throw err;
      }
      started = true;
      log(`${spec.name} up (pid ${handle.pid})`);
      return handle;
    },
  };
}

/** A password given in DATABASE_URL stays out of the terminal's scrollback (the embedded database's is a dev default). */
function withoutPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '****';
  return u.toString();
}

async function main() {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    // STOREGRAPH_DATA_DIR: where the embedded server keeps its data (tests give it a directory of their own).
    const dataDir = process.env.STOREGRAPH_DATA_DIR ?? '.data';
    log(`no DATABASE_URL: starting embedded PostgreSQL in ${dataDir}/ ...`);
    let serverUrl = '';
    // The remembered port is reused when the server restarts, so the URL the services hold stays right.
    await supervisor.add({
      name: POSTGRES,
      start: async () => {
        const pg = await startEmbeddedPostgres(dataDir, (m) => /FATAL|PANIC|exited/.test(m) && log(`postgresql: ${m}`));
        serverUrl = pg.serverUrl;
        return { exited: pg.exited, stop: () => pg.stop() };
      },
    });
    databaseUrl = await ensureDatabase(serverUrl, 'storegraph');
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    STOREGRAPH_CONTEXT_SECRET: process.env.STOREGRAPH_CONTEXT_SECRET ?? DEV_CONTEXT_SECRET,
    STOREGRAPH_IDP_SECRET: process.env.STOREGRAPH_IDP_SECRET ?? DEV_IDP_SECRET,
    GATEWAY_IDE: process.env.GATEWAY_IDE ?? 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  Object.assign(env, serviceUrls(env));
  const phase = (p: ServiceSpec['phase']) => Promise.all(SERVICES.filter((s) => s.phase === p).map((s) => supervisor.add(supervised(s, env))));
  await phase('subgraph');
  const { seeded } = await seedDemoData(databaseUrl);
  log(seeded ? 'demo data seeded' : 'demo data already present (reused)');
  await phase('gateway');
  await phase('bff');
  if (exiting) return;

  const at = (name: string) => `http://127.0.0.1:${portOf(SERVICES.find((s) => s.name === name)!, env)}/graphql`;
  const lines = [
    '',
    'Storegraph is running.',
    `  B2C BFF   ${at('bff-b2c')}   (GraphiQL in a browser; storefront key in x-publishable-key)`,
    `  B2B BFF   ${at('bff-b2b')}`,
    `  POS BFF   ${at('bff-pos')}`,
    `  Admin BFF ${at('bff-admin')}   (staff: StaffSignIn as admin@storegraph.dev; x-channel picks the channel)`,
    `  Gateway   ${at('gateway')}   (needs a BFF-signed context)`,
    `  Database  ${process.env.DATABASE_URL ? withoutPassword(databaseUrl) : databaseUrl}`,
    '',
    'Storefront publishable keys (B2C: send as x-publishable-key; it picks the channel):',
    ...Object.entries(DEMO_PUBLISHABLE_KEYS).map(([channel, key]) => `  ${channel.padEnd(12)} ${key}`),
    '',
    `Demo accounts sign in with the SignIn operation (staff: StaffSignIn on the admin BFF) and the password ${DEMO_PASSWORD} (see the README).`,
    '',
    'Sign in (Authorization: Bearer <token>); or POST {"email": ...} to <bff>/auth/demo-login:',
  ];
  for (const u of DEMO_USERS) {
    const { email: _e, bff: _b, ...principal } = u;
    lines.push(`  ${u.bff.toUpperCase()}  ${u.email.padEnd(26)} ${u.kind.padEnd(8)} ${await issueToken(principal, env.STOREGRAPH_IDP_SECRET!)}`);
  }
  lines.push(
    '',
    `Try: curl -s localhost:4201/graphql -H content-type:application/json -H 'x-publishable-key: ${DEMO_PUBLISHABLE_KEYS['web-eu']}' -d '{"operationName":"ProductListing","variables":{"first":3}}'`,
    'A crashed service is restarted; Ctrl-C stops everything.',
  );
  console.log(lines.join('\n'));
}

main().catch((err) => {
  log(`failed to start: ${err instanceof Error ? err.message : err}`);
  void shutdown(1, 'failed to start');
});
