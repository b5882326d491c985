import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { postGraphQL, signedContext, system } from '../../../test/support/clients.ts';
import { startPrices } from '../src/index.ts';
import { ADMIN } from './support.ts';

// The FX feed is a third party: msw stands in for it. To let msw see the subgraph's outgoing request,
// this file boots one more prices replica in its own process, on the same real database.
const FEED = 'https://fx-feed.example/latest';
let feedBody: string | null = null;
const feed = setupServer(
  http.get(FEED, () =>
    feedBody === null ? new HttpResponse('upstream down', { status: 503 }) : new HttpResponse(feedBody, { headers: { 'content-type': 'application/json' } }),
  ),
);
let replica: Awaited<ReturnType<typeof startPrices>>;

beforeAll(async () => {
  feed.listen({ onUnhandledRequest: 'bypass' });
  replica = await startPrices({
    NODE_ENV: 'test',
    DATABASE_URL: system().databaseUrl,
    PRICES_PORT: '0',
    PRICES_DB_POOL: '2',
    STOREGRAPH_CONTEXT_SECRET: system().contextSecret,
    STOREGRAPH_CONTEXT_ISSUERS: 'bff-b2c,test',
    STOREGRAPH_RUN_BACKGROUND: 'false',
    PRICES_FX_FEED_URL: FEED,
  });
});
afterAll(async () => {
  await replica?.close();
  feed.close();
});

const IMPORT = `mutation { importFxRates { __typename ... on FxRatesImported { source rates { baseCurrency quoteCurrency rate effectiveFrom source } }
  ... on FxFeedUnavailable { message } } }`;
const call = async (query: string, extra: object = ADMIN) =>
  postGraphQL(replica.url, { query }, { [CONTEXT_HEADER]: await signedContext('web-eu', extra as never) });

describe('importing FX rates from the feed', () => {
  it('imports decimal rates exactly (never through a float) and is idempotent', async () => {
    feedBody = '{"base":"EUR","timestamp":"2025-01-02T00:00:00Z","rates":{"SEK":11.4912,"NOK":"11.795000001","EUR":1}}';
    const first = await call(IMPORT);
    expect(first.errors).toBeUndefined();
    expect(first.data.importFxRates.rates).toEqual([
      { baseCurrency: 'EUR', quoteCurrency: 'SEK', rate: '11.4912', effectiveFrom: '2025-01-02T00:00:00.000Z', source: 'feed:fx-feed.example' },
      { baseCurrency: 'EUR', quoteCurrency: 'NOK', rate: '11.795000001', effectiveFrom: '2025-01-02T00:00:00.000Z', source: 'feed:fx-feed.example' },
    ]);
    const again = await call(IMPORT);
    expect(again.data.importFxRates.rates).toHaveLength(2);
    const rates = await call(`{ fxRates { baseCurrency quoteCurrency rate } }`);
    expect(rates.data.fxRates.filter((r: { quoteCurrency: string }) => r.quoteCurrency === 'SEK')).toEqual([
      { baseCurrency: 'EUR', quoteCurrency: 'SEK', rate: '11.4912' },
    ]);
  });

  it('reports a feed that is down or malformed and writes nothing', async () => {
    feedBody = null;
    expect((await call(IMPORT)).data.importFxRates).toEqual({ __typename: 'FxFeedUnavailable', message: 'feed answered HTTP 503' });
    feedBody = '{"base":"EUR","timestamp":"2025-03-01T00:00:00Z","rates":{"DKK":"7.46","PLN":-4.3}}';
    expect((await call(IMPORT)).data.importFxRates.message).toMatch(/PLN/);
    const rates = await call(`{ fxRates { quoteCurrency } }`);
    expect(rates.data.fxRates.map((r: { quoteCurrency: string }) => r.quoteCurrency)).not.toContain('DKK');
  });

  it('is for pricing admins of every channel only', async () => {
    feedBody = '{"base":"EUR","rates":{"CZK":"25.1"}}';
    const res = await call(IMPORT, { staff: { id: 'stf_pricing_us', roles: ['pricing-admin'], channels: ['web-us'] } });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
