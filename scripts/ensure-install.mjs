// Lets `npm start` / `npm test` work on a fresh clone: installs the workspace with the pinned pnpm
// when node_modules is missing or older than the lockfile. No-op (a stat or two) otherwise.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.pnpm/lock.yaml';
const stale = !existsSync(marker) || statSync('pnpm-lock.yaml').mtimeMs > statSync(marker).mtimeMs + 1000;
if (stale) {
  const pnpm = process.env.npm_execpath?.includes('pnpm') ? 'pnpm' : 'npx --yes pnpm@12.21.0';
  console.log(`[storegraph] installing dependencies with ${pnpm} ...`);
  execSync(`${pnpm} install --frozen-lockfile`, { stdio: 'inherit' });
}
