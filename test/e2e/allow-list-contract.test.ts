import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { loadAllowList } from '@storegraph/bff-kit';
import { postGraphQL, signedContext, system } from '../support/clients.ts';

const shared = readFileSync(new URL('../../bffs/kit/src/shared-operations.graphql', import.meta.url), 'utf8');

describe('client contract: every allow-listed operation is valid against the supergraph', () => {
  for (const bff of ['b2c', 'b2b', 'pos']) {
    it(`${bff}: each operation passes the gateway's validation`, async () => {
      const own = readFileSync(new URL(`../../bffs/${bff}/src/operations.graphql`, import.meta.url), 'utf8');
      const ops = [...loadAllowList(`${own}\n${shared}`).values()];
      expect(ops.length).toBeGreaterThan(5);
      const token = await signedContext('web-eu');
      for (const op of ops) {
        // No variables: a valid document stops at variable coercion (BAD_USER_INPUT) and writes nothing.
        const res = await postGraphQL(system().gateway, { query: op.query }, { [CONTEXT_HEADER]: token });
        const codes = (res.errors ?? []).map((e) => e.extensions?.code);
        expect(codes, `${op.name}: ${JSON.stringify(res.errors)}`).not.toContain('GRAPHQL_VALIDATION_FAILED');
        expect(codes, op.name).not.toContain('GRAPHQL_PARSE_FAILED');
      }
    });
  }
});
