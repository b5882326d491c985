import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { call, codeOf, post, RUN, reservationsContaining, reserveInput, useDevelopmentB2c, USERS, variant } from './bff-edge-support.ts';

/**
 * The HTTP edge of the three BFFs, driven as clients (and a hostile web page) drive it: the method and
 * media-type rules of GraphQL over HTTP, operation resolution and the depth caps. Each test failed on the
 * BFF the probe ran against. The input rule: bff-input-edge.test.ts; connection reuse: bff-connection-reuse.test.ts.
 */
useDevelopmentB2c();

describe('GET runs queries only (GraphQL over HTTP)', () => {
  it('answers 405 with allow: POST to a mutation over GET on every BFF, by name or as text, and reserves nothing', async () => {
    for (const which of ['b2c', 'b2b', 'pos'] as const) {
      const key = `${RUN}-get-${which}`;
      const byName = new URLSearchParams({ operationName: 'ReserveStock', variables: JSON.stringify(reserveInput(key, variant)) });
      const res = await call(which, { method: 'GET', search: byName, as: USERS[which] });
      expect(res.status, which).toBe(405);
      expect(res.headers.get('allow'), which).toBe('POST');
      expect(codeOf(res), which).toBe('METHOD_NOT_ALLOWED');
      expect(res.json.data, which).toBeUndefined();
    }
    const adhoc = new URLSearchParams({
      query: 'mutation($input: ReserveStockInput!) { reserveStock(input: $input) { __typename } }',
      variables: JSON.stringify(reserveInput(`${RUN}-get-adhoc`, variant)),
    });
    const res = await call('dev', { method: 'GET', search: adhoc, as: USERS.b2c });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await reservationsContaining(`${RUN}-get-`)).toBe(0);

    // The same reservation over POST is written, so the count above would have seen one.
    const control = await post('b2c', { operationName: 'ReserveStock', variables: reserveInput(`${RUN}-post-control`, variant) }, USERS.b2c);
    expect(control.json.data.reserveStock.__typename).toBe('Reservation');
    expect(await reservationsContaining(`${RUN}-post-control`)).toBe(1);
    const released = await post('b2c', { operationName: 'ReleaseReservation', variables: { id: control.json.data.reserveStock.id } }, USERS.b2c);
    expect(released.json.data.releaseReservation.status).toBe('RELEASED');
  });

  it('still answers a query over GET', async () => {
    const res = await call('b2c', { method: 'GET', search: new URLSearchParams({ operationName: 'CurrentChannel' }) });
    expect(res.status).toBe(200);
    expect(res.json.data.currentChannel.code).toBe('web-eu');
  });
});

describe('operation resolution', () => {
  it('answers 400 OPERATION_RESOLUTION_FAILURE, not 500, to an unknown operationName with an allow-listed or ad-hoc text', async () => {
    const listed =
      'query CurrentChannel {\n  currentChannel {\n    code\n    name\n    currency\n    defaultLocale\n    locales\n    country\n    taxMode\n  }\n}';
    for (const [which, query] of [
      ['b2c', listed],
      ['dev', 'query Mine { currentChannel { code } }'],
    ] as const) {
      const res = await post(which, { query, operationName: 'NoSuchOperation' });
      expect(res.status, query).toBe(400);
      expect(codeOf(res), query).toBe('OPERATION_RESOLUTION_FAILURE');
      expect(res.json.errors?.[0]?.message).toBe('the document has no operation named "NoSuchOperation"');
    }
    // The allow-listed text itself is fine: the 400 above is about the name.
    expect((await post('b2c', { query: listed, operationName: 'CurrentChannel' })).json.data.currentChannel.code).toBe('web-eu');
  });

  it('answers 400 to several operations without an operationName, and runs the one named', async () => {
    const query = 'query A { currentChannel { code } } query B { currentChannel { currency } }';
    const unnamed = await post('dev', { query });
    expect(unnamed.status).toBe(400);
    expect(codeOf(unnamed)).toBe('OPERATION_RESOLUTION_FAILURE');
    const named = await post('dev', { query, operationName: 'B' });
    expect(named.status).toBe(200);
    expect(named.json.data).toEqual({ currentChannel: { currency: 'EUR' } });
  });

  it('answers 400 BAD_REQUEST to an operationName or variables of the wrong type', async () => {
    for (const body of [{ operationName: 42 }, { operationName: 'CurrentChannel', variables: [1, 2] }]) {
      const res = await post('b2c', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(codeOf(res), JSON.stringify(body)).toBe('BAD_REQUEST');
    }
  });
});

describe('JSON bodies only', () => {
  it('answers 415 to text/plain, form-encoded and untyped POSTs (no CORS preflight for those) and reserves nothing', async () => {
    const body = JSON.stringify({ operationName: 'ReserveStock', variables: reserveInput(`${RUN}-media`, variant) });
    for (const contentType of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
      const res = await call('b2c', { body, contentType, as: USERS.b2c });
      expect(res.status, String(contentType)).toBe(415);
      expect(codeOf(res), String(contentType)).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const latin1 = await call('b2c', { body, contentType: 'application/json; charset=iso-8859-1', as: USERS.b2c });
    expect(latin1.status).toBe(415);
    expect(await reservationsContaining(`${RUN}-media`)).toBe(0);
  });

  it('accepts application/json with a UTF-8 charset and +json types', async () => {
    for (const contentType of ['application/json; charset=UTF-8', 'application/graphql+json']) {
      const res = await call('b2c', { body: JSON.stringify({ operationName: 'CurrentChannel' }), contentType });
      expect(res.status, contentType).toBe(200);
      expect(res.json.data.currentChannel.code, contentType).toBe('web-eu');
    }
  });
});

describe('depth caps', () => {
  const nestedTypeRefs = (levels: number) => `{ __schema { types { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } } }`;

  it('refuses a 50-level introspection query, also when split over fragments', async () => {
    const deep = await post('dev', { query: nestedTypeRefs(47) });
    expect(deep.status).toBe(400);
    expect(codeOf(deep)).toBe('QUERY_TOO_COMPLEX');
    expect(deep.json.errors?.[0]?.message).toBe('query deeper than 20 levels');
    // Each fragment is one level deep on its own; spread into one another they are 50.
    const fragments = Array.from({ length: 25 }, (_, i) => `fragment F${i} on __Type { ofType { ${i < 24 ? `...F${i + 1}` : 'name'} } }`).join('\n');
    const split = await post('dev', { query: `{ __schema { types { ...F0 } } }\n${fragments}` });
    expect(split.status).toBe(400);
    expect(codeOf(split)).toBe('QUERY_TOO_COMPLEX');
  });

  it("answers GraphiQL's standard introspection query", async () => {
    const res = await post('dev', { query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true }) });
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.__schema.queryType.name).toBe('Query');
    expect(res.json.data.__schema.types.some((t: { name: string }) => t.name === 'Product')).toBe(true);
  });

  it('keeps the 12-level cap for other ad-hoc queries', async () => {
    const res = await post('dev', { query: `{ products(first: 1) { nodes { ${'variants { product { '.repeat(5)}id${' } }'.repeat(5)} } } }` });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.message).toBe('query deeper than 12 levels');
  });
});
