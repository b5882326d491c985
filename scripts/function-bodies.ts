/**
 * The current body of every SQL function, one file each in `<subgraph>/src/db/functions/`, extracted from the
 * migrations (the last CREATE OR REPLACE of each name wins). Migrations are history; these files are what runs
 * now, for reading and review. `--check` (run by a test) fails when a file is missing or stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const STATEMENT = /CREATE OR REPLACE FUNCTION\s+([a-z_]+\.[a-z_]+)\s*\([\s\S]*?\$\$;/gi;

export function currentFunctions(subgraphDir: string): Map<string, string> {
  const migrations = path.join(subgraphDir, 'src/db/migrations');
  const latest = new Map<string, string>();
  for (const file of readdirSync(migrations)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    for (const m of readFileSync(path.join(migrations, file), 'utf8').matchAll(STATEMENT)) latest.set(m[1]!.toLowerCase(), `${m[0]}\n`);
  }
  return latest;
}

export function functionFiles(root: string): { file: string; expected: string }[] {
  const out: { file: string; expected: string }[] = [];
  for (const subgraph of readdirSync(path.join(root, 'subgraphs'))) {
    const dir = path.join(root, 'subgraphs', subgraph);
    if (!existsSync(path.join(dir, 'src/db/migrations'))) continue;
    for (const [name, body] of currentFunctions(dir)) {
      out.push({
        file: path.join(dir, 'src/db/functions', `${name}.sql`),
        expected: `-- Generated from the migrations by scripts/function-bodies.ts: the body that runs now.\n${body}`,
      });
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stale: string[] = [];
  for (const { file, expected } of functionFiles(process.cwd())) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current === expected) continue;
    if (process.argv.includes('--check')) stale.push(file);
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, expected);
      console.log(`wrote ${file}`);
    }
  }
  if (stale.length) {
    console.error(`stale function files (run npx tsx scripts/function-bodies.ts):\n${stale.join('\n')}`);
    process.exit(1);
  }
}
