/**
 * The container's entry point: `service <name>` runs one service of `scripts/service-list.ts` in this process
 * (the image is the same for all of them), `migrate` applies every subgraph's migrations and exits (the job
 * that runs before a rollout). Anything else is refused with the list of names, exit code 64 (EX_USAGE).
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { SERVICES } from '../scripts/service-list.ts';

const root = path.resolve(import.meta.dirname, '..');
const [command, name] = process.argv.slice(2);

if (command === 'migrate') {
  await import('./migrate.ts');
} else {
  const spec = command === 'service' ? SERVICES.find((s) => s.name === name) : undefined;
  if (!spec) {
    console.error(`usage: service <${SERVICES.map((s) => s.name).join('|')}> | migrate`);
    process.exit(64);
  }
  await import(pathToFileURL(path.join(root, spec.entry)).href);
}
