/**
 * `pnpm start`: the whole system on one machine. Uses DATABASE_URL when set, else an embedded
 * PostgreSQL under .data/. Every subgraph, the gateway and each BFF runs as its own process; Ctrl-C
 * stops them all and the database. Demo data is seeded once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_IDP_SECRET, DEMO_USERS, issueToken } from '@storegraph/bff-kit';
import { DEV_CONTEXT_SECRET, ensureDatabase, SERVICE_NODE_FLAGS, startEmbeddedPostgres, type RunningPostgres } from '@storegraph/kit';
import { DEMO_PUBLISHABLE_KEYS, seedDemoData } from '@storegraph/demo';

const children: ChildProcess[] = [];
let pg: RunningPostgres | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\n[storegraph] stopping ...');
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
  if (pg) await pg.stop();
  console.log('[storegraph] stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function waitReady(name: string, url: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${name} did not become ready at ${url}`);
}

function launch(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', entry], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // Ctrl-C reaches every process of the terminal's group at once: a child that stopped cleanly first is
    // part of the same shutdown, not a crash.
    const clean = code === 0 || signal === 'SIGINT' || signal === 'SIGTERM';
    if (!clean) console.error(`[storegraph] ${name} exited (${code ?? signal}); stopping everything`);
    void shutdown(clean ? 0 : 1);
  });
  children.push(child);
  return child;
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
    console.log('[storegraph] no DATABASE_URL: starting embedded PostgreSQL in .data/ ...');
    pg = await startEmbeddedPostgres('.data');
    databaseUrl = await ensureDatabase(pg.serverUrl, 'storegraph');
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    STOREGRAPH_CONTEXT_SECRET: process.env.STOREGRAPH_CONTEXT_SECRET ?? DEV_CONTEXT_SECRET,
    STOREGRAPH_IDP_SECRET: process.env.STOREGRAPH_IDP_SECRET ?? DEV_IDP_SECRET,
    GATEWAY_IDE: process.env.GATEWAY_IDE ?? 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const subgraphs = [
    ['products', 4101],
    ['stock', 4102],
    ['prices', 4103],
    ['orders', 4104],
  ] as const;
  await Promise.all(
    subgraphs.map(([name, port]) =>
      waitReady(name, `http://127.0.0.1:${env[`${name.toUpperCase()}_PORT`] ?? port}/readyz`, launch(name, `subgraphs/${name}/src/main.ts`, env)),
    ),
  );
  const { seeded } = await seedDemoData(databaseUrl);
  console.log(seeded ? '[storegraph] demo data seeded' : '[storegraph] demo data already present (reused)');
  const gatewayPort = env.GATEWAY_PORT ?? '4000';
  await waitReady('gateway', `http://127.0.0.1:${gatewayPort}/readyz`, launch('gateway', 'gateway/src/main.ts', env));
  const bffs = [
    ['b2c', env.B2C_PORT ?? '4201'],
    ['b2b', env.B2B_PORT ?? '4202'],
    ['pos', env.POS_PORT ?? '4203'],
  ] as const;
  await Promise.all(
    bffs.map(([name, port]) => waitReady(`bff-${name}`, `http://127.0.0.1:${port}/healthz`, launch(`bff-${name}`, `bffs/${name}/src/main.ts`, env))),
  );

  const lines = [
    '',
    'Storegraph is running.',
    `  B2C BFF   http://127.0.0.1:${bffs[0][1]}/graphql   (GraphiQL in a browser; storefront key in x-publishable-key)`,
    `  B2B BFF   http://127.0.0.1:${bffs[1][1]}/graphql`,
    `  POS BFF   http://127.0.0.1:${bffs[2][1]}/graphql`,
    `  Gateway   http://127.0.0.1:${gatewayPort}/graphql   (needs a BFF-signed context)`,
    `  Database  ${pg ? databaseUrl : withoutPassword(databaseUrl)}`,
    '',
    'Storefront publishable keys (B2C: send as x-publishable-key; it picks the channel):',
    ...Object.entries(DEMO_PUBLISHABLE_KEYS).map(([channel, key]) => `  ${channel.padEnd(12)} ${key}`),
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
    'Ctrl-C stops everything.',
  );
  console.log(lines.join('\n'));
}

main().catch(async (err) => {
  console.error('[storegraph] failed to start:', err);
  await shutdown(1);
});
