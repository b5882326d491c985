/**
 * The container files, linted without Docker (no engine runs here): compose names only images this repo builds
 * or official ones, runs every service of the launcher's list once with the port and health path the launcher
 * uses, and starts them in the launcher's order; the Dockerfile is multi-stage and runs as a non-root user; the
 * image's entry point runs a service by name and the migrations as a command of their own.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICES } from '../../scripts/service-list.ts';
import { system } from '../support/clients.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const APP_IMAGE = 'storegraph:local';
/** Docker Hub's official images are the ones without a namespace. */
const OFFICIAL = /^(postgres|redis|nats):[\w.-]+$/;

const appServices = () => Object.entries(services).filter(([, s]) => s.image === APP_IMAGE && s.command?.[0] === 'service');
const healthUrl = (s: ComposeService) => /fetch\('(http:\/\/127\.0\.0\.1:\d+\/\w+)'\)/.exec(s.healthcheck?.test.join(' ') ?? '')?.[1];

describe('compose.yaml', () => {
  it('names only the image this repo builds and official images', () => {
    const entries = Object.entries(services);
    expect(entries.length).toBe(SERVICES.length + 4); // + postgres, redis, nats, migrate
    for (const [name, s] of entries) {
      if (s.image === APP_IMAGE) expect(s.build, name).toBe('.');
      else expect(s.image, name).toMatch(OFFICIAL);
    }
    expect(
      entries
        .filter(([, s]) => s.image !== APP_IMAGE)
        .map(([n]) => n)
        .sort(),
    ).toEqual(['nats', 'postgres', 'redis']);
  });

  it('runs every service of the launcher once, by name, health-checked on its own port and path', () => {
    const apps = appServices();
    expect(apps.map(([, s]) => s.command![1]).sort()).toEqual(SERVICES.map((s) => s.name).sort());
    for (const [name, s] of apps) {
      const spec = SERVICES.find((x) => x.name === s.command![1])!;
      expect(name).toBe(spec.name);
      expect(healthUrl(s), name).toBe(`http://127.0.0.1:${spec.defaultPort}${spec.readyPath}`);
    }
  });

  it('publishes only the BFFs, each on its own port', () => {
    const published = Object.entries(services).filter(([, s]) => s.ports?.length);
    expect(Object.fromEntries(published.map(([n, s]) => [n, s.ports]))).toEqual({
      'bff-b2c': ['4201:4201'],
      'bff-b2b': ['4202:4202'],
      'bff-pos': ['4203:4203'],
      'bff-admin': ['4204:4204'],
    });
  });

  it('starts in the launcher order: postgres, migrations, subgraphs, gateway, BFFs, each waiting for health', () => {
    const phase = (p: string) => SERVICES.filter((s) => s.phase === p).map((s) => s.name);
    expect(services.migrate!.command).toEqual(['migrate']);
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of phase('subgraph'))
      expect(services[name]!.depends_on, name).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
      });
    expect(services.gateway!.depends_on).toEqual(Object.fromEntries(phase('subgraph').map((n) => [n, { condition: 'service_healthy' }])));
    expect(phase('bff').length).toBe(4);
    for (const name of phase('bff'))
      expect(services[name]!.depends_on, name).toEqual({ gateway: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    // Whatever is waited on as healthy has a health check.
    const waitedOn = Object.values(services).flatMap((s) => Object.entries(s.depends_on ?? {}).filter(([, d]) => d.condition === 'service_healthy'));
    expect(waitedOn.length).toBe(5 + 5 + 1 + 4 * 2);
    for (const [dep] of waitedOn) expect(services[dep]!.healthcheck?.test.length, dep).toBeGreaterThan(1);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));

  it('builds in stages from the official Node 20 image and runs as a non-root user', () => {
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBe(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20\.20-bookworm-slim$/m);
    const users = instructions.filter((l) => l.startsWith('USER '));
    expect(users).toEqual(['USER node']);
    // USER comes after the last FROM, so the runtime stage is the one that drops root.
    const lastFrom = instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
    expect(instructions.findIndex((l) => l.startsWith('USER '))).toBeGreaterThan(lastFrom);
    expect(instructions.at(-2)).toBe('ENTRYPOINT ["node", "--import", "tsx", "deploy/service.ts"]');
  });

  it('copies the manifest of every workspace package a service needs before installing', () => {
    const copied = instructions.filter((l) => /^COPY \S+\/package\.json /.test(l)).map((l) => l.split(' ')[1]!.replace('/package.json', ''));
    const needed = SERVICES.map((s) => s.entry.split('/src/')[0]!);
    expect(needed.length).toBe(SERVICES.length);
    for (const dir of [...needed, 'schema', 'packages/server-kit', 'packages/kit', 'bffs/kit']) expect(copied, dir).toContain(dir);
  });

  it('keeps dependencies, data and tests out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['**/node_modules', '.git', '.data', 'test', '**/*.test.ts']) expect(ignored).toContain(p);
  });
});

describe('the image entry point', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'deploy/service.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('refuses an unknown service with the list of names (exit 64)', () => {
    const r = run(['service', 'billing']);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain(`usage: service <${SERVICES.map((s) => s.name).join('|')}> | migrate`);
  });

  it('applies every subgraph migration as its own command and exits 0, serving nothing', () => {
    const s = system();
    const r = run(['migrate'], {
      DATABASE_URL: s.databaseUrl,
      STOREGRAPH_CONTEXT_SECRET: s.contextSecret,
      STOREGRAPH_IDP_SECRET: s.idpSecret,
      // Orders reads its configuration before it migrates: production requires the store-credit secret too.
      ORDERS_STORE_CREDIT_SECRET: 'test-store-credit-secret-of-32-characters-or-more',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      // Ports the running test system holds: a migrate run that tried to serve would fail on them.
      PRODUCTS_PORT: new URL(s.products).port,
    });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const applied = r.stdout
      .split('\n')
      .filter((l) => l.includes('migrations applied'))
      .map((l) => JSON.parse(l).subgraph);
    expect(applied).toEqual(['products', 'stock', 'prices', 'orders', 'customers']);
  });
});
