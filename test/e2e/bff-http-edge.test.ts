import net from 'node:net';
import { getIntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient, system, tokenFor } from '../support/clients.ts';
import { startDevelopmentB2c } from '../support/development-front-door.ts';

/**
 * The HTTP edge of the three BFFs, driven as clients (and a hostile web page) drive it: the method and
 * media-type rules of GraphQL over HTTP, operation resolution, the input rule, connection reuse after a
 * refusal, and the depth caps. Each test failed on the BFF the probe ran against.
 */

/** 'dev' is a development-mode B2C BFF of this file's own: the edge rules for ad-hoc documents, which production refuses. */
type Bff = 'b2c' | 'b2b' | 'pos' | 'dev';
let dev: Awaited<ReturnType<typeof startDevelopmentB2c>> | undefined;
beforeAll(async () => {
  dev = await startDevelopmentB2c();
});
afterAll(async () => {
  await dev?.close();
});
const USERS: Record<Bff, string> = { b2c: 'anna@example.com', b2b: 'buyer@acme.example', pos: 'till-1@berlin.shop', dev: 'anna@example.com' };
/** Unique to this run: every idempotency key below contains it, and only rows containing it are counted. */
const RUN = `edge-${process.pid}-${Date.now().toString(36)}`;

interface Answer {
  status: number;
  headers: Headers;
  json: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/**
 * Asks for application/graphql-response+json, as Apollo Client 4 and urql do: its status codes are what this
 * file asserts (a client taking plain application/json gets 200 for GraphQL errors: bff-graphql-over-http.test.ts).
 */
async function call(which: Bff, init: { method?: string; search?: URLSearchParams; body?: string; contentType?: string | null; as?: string }): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/graphql-response+json' };
  if (init.contentType !== null) headers['content-type'] = init.contentType ?? 'application/json';
  if (init.as) headers.authorization = `Bearer ${await tokenFor(init.as)}`;
  const url = `${which === 'dev' ? dev!.url : system()[which]}${init.search ? `?${init.search}` : ''}`;
  const res = await fetch(url, { method: init.method ?? 'POST', headers, body: init.body });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

const post = (which: Bff, body: object, as?: string) => call(which, { body: JSON.stringify(body), as });
const codeOf = (a: Answer) => a.json.errors?.[0]?.extensions?.code;

async function reservationsContaining(fragment: string): Promise<number> {
  const sql = sqlClient();
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from stock.reservations where strpos(idempotency_key, ${fragment}) > 0`;
    return row!.n;
  } finally {
    await sql.end();
  }
}

const reserveInput = (key: string, variantId: string) => ({ input: { idempotencyKey: key, lines: [{ variantId, quantity: 1 }] } });

/** A demo variant web-eu sells from stock: a reservation of it that got through would be written. */
const variant = 'var_0001_1';

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

/** One keep-alive connection driven byte by byte, as a browser or a pooled HTTP client would reuse it. */
class RawConnection {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  constructor(url: string) {
    const { port } = new URL(url);
    this.socket = net.connect(Number(port), '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.waiting?.();
    });
    const gone = () => {
      this.closed = true;
      this.waiting?.();
    };
    this.socket.on('end', gone).on('close', gone);
    // The server may reset after its answer (it does not read the rest of a refused body).
    this.socket.on('error', gone);
  }

  write(data: string | Buffer) {
    return new Promise<void>((resolve) => this.socket.write(data, () => resolve()));
  }

  private changed(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The next complete response, or null when none arrives within `ms`. */
  async response(ms = 5_000): Promise<{ status: number; headers: Record<string, string>; body: string } | null> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length']);
        if (this.buffer.length >= end + 4 + length) {
          const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
          this.buffer = this.buffer.subarray(end + 4 + length);
          return { status: Number(statusLine!.split(' ')[1]), headers, body };
        }
      }
      if (this.closed) return null;
      await this.changed(deadline - Date.now());
    }
    return null;
  }

  /** Whether the server closed the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await this.changed(deadline - Date.now());
    return this.closed;
  }

  destroy() {
    this.socket.destroy();
  }
}

function request(head: string[], body = '') {
  return `${['POST /graphql HTTP/1.1', 'host: 127.0.0.1', ...head].join('\r\n')}\r\n\r\n${body}`;
}

describe('connections after a refused body', () => {
  const small = JSON.stringify({ operationName: 'CurrentChannel' });

  it('closes the connection after a 413 instead of parsing the unsent rest of the body as the next request', async () => {
    const conn = new RawConnection(system().b2c);
    try {
      // Reuse works: the first answer keeps the connection open.
      await conn.write(request(['content-type: application/json', `content-length: ${small.length}`], small));
      const first = await conn.response();
      expect(first?.status).toBe(200);
      expect(first?.headers.connection).toBe('keep-alive');
      // 64 KB of a declared 1 MB body, then the client waits for the answer (as one that got it early stops sending).
      await conn.write(request(['content-type: application/json', 'content-length: 1000000'], `{"query":"${'x'.repeat(64 * 1024)}`));
      const refused = await conn.response();
      expect(refused?.status).toBe(413);
      expect(refused?.headers.connection).toBe('close');
      expect(JSON.parse(refused!.body).errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(await conn.closedWithin(3_000)).toBe(true);
    } finally {
      conn.destroy();
    }
  });

  it('closes the connection after a 413 for a chunked body with no declared length', async () => {
    const conn = new RawConnection(system().b2b);
    try {
      const chunk = 'x'.repeat(64 * 1024);
      await conn.write(request(['content-type: application/json', 'transfer-encoding: chunked'], ''));
      for (let i = 0; i < 5; i++) await conn.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      const refused = await conn.response();
      expect(refused?.status).toBe(413);
      expect(refused?.headers.connection).toBe('close');
      expect(await conn.closedWithin(3_000)).toBe(true);
    } finally {
      conn.destroy();
    }
  });

  it('closes the connection after refusing a body it did not read (415)', async () => {
    const conn = new RawConnection(system().pos);
    try {
      await conn.write(request(['content-type: text/plain', 'content-length: 100000'], small));
      const refused = await conn.response();
      expect(refused?.status).toBe(415);
      expect(refused?.headers.connection).toBe('close');
      expect(await conn.closedWithin(3_000)).toBe(true);
    } finally {
      conn.destroy();
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
