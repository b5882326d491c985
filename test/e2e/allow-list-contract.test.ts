import { describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { allowListText, loadAllowList } from '@storegraph/bff-kit';
import { postGraphQL, signedContext, system, tokenFor } from '../support/clients.ts';

describe('client contract: every allow-listed operation is valid against the supergraph', () => {
  for (const bff of ['b2c', 'b2b', 'pos', 'admin']) {
    it(`${bff}: each operation passes the gateway's validation`, async () => {
      const ops = [...loadAllowList(allowListText(bff)).values()];
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

describe('the allow-list is the gate, as in production', () => {
  const callers = { b2c: 'anna@example.com', b2b: 'buyer@acme.example', pos: 'till-1@berlin.shop' } as const;

  for (const bff of ['b2c', 'b2b', 'pos'] as const) {
    it(`${bff}: refuses ad-hoc text, also under an allow-listed name, and runs nothing`, async () => {
      const headers = { authorization: `Bearer ${await tokenFor(callers[bff])}` };
      const attempts = [
        // ({ __typename } alone is answered without the allow-list: it resolves nothing, and GraphQL-over-HTTP
        // audits probe with it.)
        { query: '{ currentChannel { code } }' },
        // The name is listed; the text (another selection, another page size) is not.
        { query: 'query CurrentChannel { currentChannel { code } }', operationName: 'CurrentChannel' },
        {
          query: 'mutation ReleaseReservation($id: ID!) { releaseReservation(id: $id) { __typename } }',
          operationName: 'ReleaseReservation',
          variables: { id: 'res_x' },
        },
      ];
      for (const body of attempts) {
        const res = await postGraphQL(system()[bff], body, headers);
        expect(res.status, JSON.stringify(body)).toBe(403);
        expect(
          res.errors?.map((e) => e.extensions?.code),
          JSON.stringify(body),
        ).toEqual(['OPERATION_NOT_ALLOWED']);
        expect(res.data ?? null).toBeNull();
      }
      // The same caller's listed operation by name is answered: the 403s above are about the text.
      const listed = await postGraphQL(system()[bff], { operationName: 'CurrentChannel' }, headers);
      expect(listed.status).toBe(200);
      expect(listed.data.currentChannel.currency).toBe('EUR');
    });
  }
});
