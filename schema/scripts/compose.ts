/**
 * Composes the subgraph SDLs into schema/supergraph.graphql (committed). `--check` fails when the
 * committed file is stale; any composition error or hint fails too, so drift never reaches main.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph } from './compose-supergraph.ts';
import { SUPERGRAPH_PATH } from '../src/subgraph-list.ts';

const check = process.argv.includes('--check');
const result = composeSupergraph();
if (result.errors.length || result.hints.length) {
  for (const e of result.errors) console.error(`error: ${e}`);
  for (const h of result.hints) console.error(`hint: ${h}`);
  process.exit(1);
}
const current = (() => {
  try {
    return readFileSync(SUPERGRAPH_PATH, 'utf8');
  } catch {
    return '';
  }
})();
if (check) {
  if (current !== result.supergraphSdl) {
    console.error(`${SUPERGRAPH_PATH} is stale: run pnpm compose`);
    process.exit(1);
  }
  console.log(`${SUPERGRAPH_PATH} is up to date`);
} else {
  writeFileSync(SUPERGRAPH_PATH, result.supergraphSdl);
  console.log(`wrote ${SUPERGRAPH_PATH}`);
}
