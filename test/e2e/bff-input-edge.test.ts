import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { system } from '../support/clients.ts';
import { codeOf, post, RUN, reservationsContaining, reserveInput, useDevelopmentB2c, USERS, variant } from './bff-edge-support.ts';

/**
 * Schema's input rule at the BFFs' edge: variables of listed operations, string literals of ad-hoc documents
 * (a development BFF of this file's own) and the ids a live subscription watches. Refused input reaches no
 * subgraph and writes nothing.
 */
useDevelopmentB2c();

describe('the input rule at the edge', () => {
  it('refuses a NUL or a lone surrogate in an idempotency key with 400 BAD_USER_INPUT naming it, and reserves nothing', async () => {
    for (const [tag, bad] of [
      ['nul', '\u0000'],
      ['surrogate', '\ud800'],
    ]) {
      const res = await post('b2c', { operationName: 'ReserveStock', variables: reserveInput(`${RUN}-${tag}${bad}`, variant) }, USERS.b2c);
      expect(res.status, tag).toBe(400);
      expect(codeOf(res), tag).toBe('BAD_USER_INPUT');
      expect(res.json.errors?.[0]?.extensions?.argument, tag).toBe('$.input.idempotencyKey');
      expect(await reservationsContaining(`${RUN}-${tag}`), tag).toBe(0);
    }
  });

  it('refuses control characters, lone surrogates, overlong strings and deep nesting in search text, slugs and filters', async () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['ProductSearch', { first: 2, search: 'wool\ud83d' }, '$.search', 'ILL_FORMED_UNICODE'],
      ['ProductSearch', { first: 2, search: 'wool\u001b[2J' }, '$.search', 'CONTROL_CHARACTER'],
      ['ProductSearch', { first: 2, search: 'w'.repeat(10_001) }, '$.search', 'STRING_TOO_LONG'],
      ['ProductPage', { slug: 'jacke\u0000' }, '$.slug', 'CONTROL_CHARACTER'],
      ['ProductPage', { slug: 'jacke\u0085' }, '$.slug', 'CONTROL_CHARACTER'],
      [
        'ProductListing',
        { first: 2, filter: { attributes: [{ code: 'c', values: [[[[[[[[['x']]]]]]]]] }] } },
        '$.filter.attributes[0].values[0][0][0][0][0][0]',
        'TOO_DEEP',
      ],
    ];
    for (const [operationName, variables, argument, reason] of cases) {
      const res = await post('b2c', { operationName, variables });
      expect(res.status, argument).toBe(400);
      expect(res.json.errors?.[0]?.extensions, argument).toEqual({ code: 'BAD_USER_INPUT', argument, reason });
    }
    // Accents, emoji and a tab are text like any other.
    const fine = await post('b2c', { operationName: 'ProductSearch', variables: { first: 2, search: 'Zoë 🎁\tjacke' } });
    expect(fine.status).toBe(200);
    expect(fine.json.errors).toBeUndefined();
  });

  it('applies the rule to the ids a live-availability subscription watches', async () => {
    const ws = createClient({ url: system().b2c.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const updates = ws.iterate({ query: '', operationName: 'WatchAvailability', variables: { variantIds: ['var_0001_1', 'var\u0000'] } });
      const refused = await updates.next().then(
        (r) => r.value,
        (errors: unknown) => errors,
      );
      expect(refused).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: '$.variantIds[1]', reason: 'CONTROL_CHARACTER' } })]);
    } finally {
      await ws.dispose();
    }
  });

  it('applies the rule to string literals of an ad-hoc document', async () => {
    const res = await post('dev', { query: '{ product(slug: "jacke\\u0000") { id } }' });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'product.slug', reason: 'CONTROL_CHARACTER' });
  });
});
