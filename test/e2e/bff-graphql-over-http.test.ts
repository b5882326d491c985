import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditServer } from 'graphql-http';
import { startB2bBff } from '@storegraph/bff-b2b';
import { startB2cBff } from '@storegraph/bff-b2c';
import { startPosBff } from '@storegraph/bff-pos';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { system, tokenFor } from '../support/clients.ts';
import { startProductionB2c, type RunningTestBff } from '../support/production-bff.ts';

/** A fetch that sends a BFF's credentials with every audit request, as that BFF's clients do. */
const withHeaders =
  (headers: Record<string, string>): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers).entries()), ...headers } });

async function failedAudits(url: string, headers: Record<string, string>) {
  const results = await auditServer({ url, fetchFn: withHeaders(headers) });
  expect(results.length).toBeGreaterThan(30);
  // Every MUST and every SHOULD; a MAY is a choice (reported as a notice or warning, not a requirement).
  return results.filter((r) => r.status !== 'ok' && !r.name.startsWith('MAY')).map((r) => r.name);
}

const KEY = { 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-eu']! };

/** A POST as curl sends it with `-H 'accept: …'`, or with no Accept header at all (node:http adds none; fetch adds any type). */
function rawPost(url: string, body: object, accept?: string): Promise<{ status: number; contentType: string | undefined; json: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...KEY };
  if (accept !== undefined) headers.accept = accept;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, contentType: res.headers['content-type'], json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('GraphQL over HTTP: graphql-http serverAudits', () => {
  const started: RunningTestBff[] = [];
  let dev: { b2c: string; b2b: string; pos: string };
  let prod: RunningTestBff;
  beforeAll(async () => {
    const s = system();
    // The audits send ad-hoc documents (`{ __typename }`, `__type(name:)` introspection): BFFs that accept them.
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      STOREGRAPH_CONTEXT_SECRET: s.contextSecret,
      STOREGRAPH_IDP_SECRET: s.idpSecret,
      GATEWAY_URL: s.gateway,
      BFF_ALLOW_ADHOC: 'true',
      B2C_PORT: '0',
      B2B_PORT: '0',
      POS_PORT: '0',
    };
    const [b2c, b2b, pos] = await Promise.all([startB2cBff(env), startB2bBff(env), startPosBff(env)]);
    started.push(b2c, b2b, pos);
    dev = { b2c: b2c.url, b2b: b2b.url, pos: pos.url };
    prod = await startProductionB2c();
    started.push(prod);
  });
  afterAll(async () => {
    for (const b of started) await b.close();
  });

  it('every BFF passes every MUST and SHOULD audit', async () => {
    expect(await failedAudits(dev.b2c, KEY), 'b2c').toEqual([]);
    expect(await failedAudits(dev.b2b, { authorization: `Bearer ${await tokenFor('buyer@acme.example')}` }), 'b2b').toEqual([]);
    expect(await failedAudits(dev.pos, { authorization: `Bearer ${await tokenFor('till-1@berlin.shop')}` }), 'pos').toEqual([]);
  });

  it('a production B2C BFF passes every MUST and SHOULD but the three whose probe is an ad-hoc introspection document, which the allow-list refuses', async () => {
    const results = await auditServer({ url: prod.url, fetchFn: withHeaders(KEY) });
    expect(results.length).toBeGreaterThan(30);
    const failed = results.filter((r) => r.status !== 'ok' && !r.name.startsWith('MAY'));
    expect(failed.map((r) => r.name)).toEqual([
      'MUST accept utf-8 encoded request',
      'SHOULD allow map {variables} parameter when accepting application/graphql-response+json',
      'MUST allow map {variables} parameter when accepting application/json',
    ]);
    // Each failed only because production runs no ad-hoc document (`__type(name:)`): 403 OPERATION_NOT_ALLOWED.
    for (const r of failed) {
      if (r.status === 'ok') continue;
      expect(r.response.status, r.name).toBe(403);
      expect(((await r.response.json()) as any).errors[0].extensions.code, r.name).toBe('OPERATION_NOT_ALLOWED');
    }
  });

  it('answers in the media type asked for: graphql-response+json with 4xx for request errors, 200 for a client that names application/json', async () => {
    const post = (accept: string, query: string) =>
      fetch(prod.url, { method: 'POST', headers: { 'content-type': 'application/json', accept, ...KEY }, body: JSON.stringify({ query }) });
    const modern = await post('application/graphql-response+json', '{ currentChannel { code ');
    expect(modern.status).toBe(400);
    expect(modern.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    const legacy = await post('application/json', '{ currentChannel { code ');
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await legacy.json()) as any).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const listed = await fetch(prod.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...KEY },
      body: JSON.stringify({ operationName: 'CurrentChannel' }),
    });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
  });

  it('answers a client that accepts any type, or sends no Accept, as the spec says for application/json: 200 for GraphQL errors of a well-formed request', async () => {
    const parseFailure = { query: '{ currentChannel { code ' };
    // A NUL in a listed operation's variable: the input rule refuses it before the gateway.
    const badInput = { operationName: 'ProductPage', variables: { slug: 'jacke\u0000' } };
    for (const accept of ['*/*', undefined, 'application/json']) {
      const tag = String(accept);
      const parsed = await rawPost(prod.url, parseFailure, accept);
      expect([parsed.status, parsed.contentType, parsed.json.errors[0].extensions.code], tag).toEqual([
        200,
        'application/json; charset=utf-8',
        'GRAPHQL_PARSE_FAILED',
      ]);
      expect(parsed.json.data, tag).toBeUndefined();
      const input = await rawPost(prod.url, badInput, accept);
      expect([input.status, input.json.errors[0].extensions.code, input.json.errors[0].extensions.reason], tag).toEqual([
        200,
        'BAD_USER_INPUT',
        'CONTROL_CHARACTER',
      ]);
      const listed = await rawPost(prod.url, { operationName: 'CurrentChannel' }, accept);
      expect([listed.status, listed.contentType, listed.json.data.currentChannel.code], tag).toEqual([200, 'application/json; charset=utf-8', 'web-eu']);
      // Not a GraphQL error but a refusal of the request: its status stays (403, 400) whatever the client accepts.
      const unlisted = await rawPost(prod.url, { query: '{ currentChannel { name } }' }, accept);
      expect([unlisted.status, unlisted.json.errors[0].extensions.code], tag).toEqual([403, 'OPERATION_NOT_ALLOWED']);
      const malformed = await rawPost(prod.url, { operationName: 42 }, accept);
      expect([malformed.status, malformed.json.errors[0].extensions.code], tag).toEqual([400, 'BAD_REQUEST']);
    }
    // application/graphql-response+json keeps its status codes for the same requests.
    const modern = await rawPost(prod.url, parseFailure, 'application/graphql-response+json');
    expect([modern.status, modern.contentType]).toEqual([400, 'application/graphql-response+json; charset=utf-8']);
    expect((await rawPost(prod.url, badInput, 'application/graphql-response+json')).status).toBe(400);
  });
});
