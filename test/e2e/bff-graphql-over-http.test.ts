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

  it('a production B2C BFF (allow-list enforced, introspection off) fails only the three audits that need introspection', async () => {
    expect(await failedAudits(prod.url, KEY)).toEqual([
      'MUST accept utf-8 encoded request',
      'SHOULD allow map {variables} parameter when accepting application/graphql-response+json',
      'MUST allow map {variables} parameter when accepting application/json',
    ]);
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
});
