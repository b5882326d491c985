/**
 * Traces and metrics as production runs them: the B2C BFF, the gateway and every subgraph as processes of their
 * own (their `main.ts`, as the image runs them) on the test run's database, exporting OTLP/HTTP to a receiver
 * this test serves. One guest checkout by name through that BFF must be one trace: the BFF's span is the root,
 * every span of every service that served the request (by its request id) hangs under it, PostgreSQL
 * statements included. Each service's /metrics counts the operations it served.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@storegraph/dev-tools';
import { portOf, SERVICES, serviceUrls } from '../../scripts/service-list.ts';
import { channelHeaders, postGraphQL, system } from '../support/clients.ts';
import { BERLIN_ADDRESS, data, key, sellable } from '../e2e/checkout-support.ts';

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number>;
}

/** An OTLP/HTTP JSON receiver: what the exporters send to /v1/traces, flattened to spans. */
async function otlpReceiver() {
  const spans: Span[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a: any) => a.key === 'service.name').value.stringValue;
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              attributes: Object.fromEntries(
                (s.attributes ?? []).map((a: any) => [a.key, a.value.stringValue ?? Number(a.value.intValue ?? a.value.doubleValue)]),
              ),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { spans, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, close: () => new Promise((r) => server.close(r)) };
}

const SERVED = ['products', 'stock', 'prices', 'orders', 'customers', 'gateway', 'bff-b2c'];

describe('traces and metrics (OTEL_TRACES_EXPORTER=otlp)', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  const children: ChildProcess[] = [];
  const env: NodeJS.ProcessEnv = {};
  const urlOf = (name: string) => `http://127.0.0.1:${portOf(SERVICES.find((s) => s.name === name)!, env)}`;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    const s = system();
    Object.assign(env, {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: s.databaseUrl,
      STOREGRAPH_CONTEXT_SECRET: s.contextSecret,
      STOREGRAPH_IDP_SECRET: s.idpSecret,
      ORDERS_STORE_CREDIT_SECRET: 'test-store-credit-secret-of-32-characters-or-more',
      // A second set of processes on the shared database: no relays or sweepers that would publish or expire
      // what other files count, and small pools.
      STOREGRAPH_RUN_BACKGROUND: 'false',
      PRODUCTS_DB_POOL: '2',
      STOCK_DB_POOL: '2',
      PRICES_DB_POOL: '2',
      ORDERS_DB_POOL: '3',
      CUSTOMERS_DB_POOL: '2',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
    });
    for (const spec of SERVICES) env[spec.portEnv] = String(await freePort());
    Object.assign(env, serviceUrls(env));
    const launch = async (name: string) => {
      const spec = SERVICES.find((x) => x.name === name)!;
      const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-3000);
      });
      children.push(child);
      for (let i = 0; i < 900; i++) {
        if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
        const ok = await fetch(`${urlOf(name)}${spec.readyPath}`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await sleep(100);
      }
      throw new Error(`${name} did not start: ${stderr}`);
    };
    await Promise.all(['products', 'stock', 'prices', 'orders', 'customers'].map(launch));
    await launch('gateway');
    await launch('bff-b2c');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await receiver?.close();
  });

  const call = async (operationName: string, variables: Record<string, unknown>, token?: string) => {
    const headers: Record<string, string> = { accept: 'application/graphql-response+json', ...channelHeaders('b2c', 'web-eu') };
    if (token) headers.authorization = `Bearer ${token}`;
    return postGraphQL(`${urlOf('bff-b2c')}/graphql`, { operationName, variables }, headers);
  };

  /** Spans of `traceId` once `until` holds of them (exporters send in batches every 500 ms). */
  async function traceOf(traceId: () => string | undefined, until: (spans: Span[]) => boolean): Promise<Span[]> {
    for (let i = 0; i < 300; i++) {
      const id = traceId();
      const spans = receiver.spans.filter((s) => s.traceId === id);
      if (id && until(spans)) return spans;
      await sleep(100);
    }
    throw new Error(`trace incomplete: ${JSON.stringify(receiver.spans.map((s) => [s.service, s.name]).slice(-40))}`);
  }

  it('turns one guest checkout into one trace from the BFF through the gateway to every subgraph and PostgreSQL', async () => {
    const variant = await sellable({ eur: 1500, stock: 3 });
    const guest = await fetch(`${urlOf('bff-b2c')}/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(guest.status).toBe(200);
    const token = ((await guest.json()) as { accessToken: string }).accessToken;
    const cart = data(await call('CreateCart', {}, token)).createCart;
    data(await call('AddCartLines', { cartId: cart.id, lines: [{ variantId: variant, quantity: 2 }] }, token));
    data(
      await call(
        'SetCartDetails',
        { cartId: cart.id, input: { email: 'trace@example.com', shippingAddress: BERLIN_ADDRESS, shippingMethod: 'express' } },
        token,
      ),
    );
    // 2 x 15.00 + express 12.90 = 42.90 EUR
    const res = await call(
      'PlaceOrder',
      { input: { cartId: cart.id, idempotencyKey: key('trace'), expectedTotal: { amount: 4290, currency: 'EUR' }, payment: { provider: 'manual' } } },
      token,
    );
    expect(data(res).placeOrder.__typename).toBe('OrderPlaced');
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const isRoot = (s: Span) => s.service === 'bff-b2c' && s.attributes['graphql.operation.name'] === 'PlaceOrder';
    const rootTrace = () => receiver.spans.find(isRoot)?.traceId;
    const spans = await traceOf(rootTrace, (t) => {
      const services = new Set(t.map((s) => s.service));
      return ['bff-b2c', 'gateway', 'orders', 'stock', 'prices'].every((n) => services.has(n));
    });
    // Exporters flush every 500 ms: let the slowest hop's batch arrive before judging what is missing.
    await sleep(1_500);
    const trace = receiver.spans.filter((s) => s.traceId === spans[0]!.traceId);

    // One trace: a single root (the BFF's server span), every other span's parent in the same trace.
    const roots = trace.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => [s.service, s.name])).toEqual([['bff-b2c', 'POST /graphql PlaceOrder']]);
    expect(roots[0]!.attributes['storegraph.request_id']).toBe(requestId);
    const ids = new Set(trace.map((s) => s.spanId));
    for (const s of trace.filter((x) => x.parentSpanId)) expect(ids.has(s.parentSpanId), `${s.service} ${s.name}`).toBe(true);
    // Server spans carry the request id: the client's, and the saga's own (`checkout-<id>`, stable across
    // replays) on orders' calls to stock and prices. No server span of either id is in another trace.
    const serverSpans = trace.filter((s) => s.kind === 2);
    const requestIds = new Set(serverSpans.map((s) => String(s.attributes['storegraph.request_id'])));
    expect(requestIds.size).toBe(2);
    expect(requestIds).toContain(requestId);
    expect([...requestIds].filter((r) => /^checkout-[0-9a-f-]{36}$/.test(r)).length).toBe(1);
    const elsewhere = receiver.spans.filter(
      (s) => s.kind === 2 && requestIds.has(String(s.attributes['storegraph.request_id'])) && s.traceId !== roots[0]!.traceId,
    );
    expect(elsewhere).toEqual([]);
    // BFF -> gateway -> orders (the saga) -> prices (the quote) and stock (reserve, then confirm).
    const servers = (service: string) => serverSpans.filter((s) => s.service === service).length;
    expect(servers('bff-b2c')).toBe(1);
    expect(servers('gateway')).toBe(1);
    expect(servers('orders')).toBeGreaterThanOrEqual(1);
    expect(servers('prices')).toBeGreaterThanOrEqual(1);
    expect(servers('stock')).toBe(2);
    for (const s of serverSpans) expect(SERVED).toContain(s.service);
    // PostgreSQL statements are spans of the subgraph that ran them.
    const statements = (service: string, text: RegExp) =>
      trace.filter((s) => s.service === service && s.attributes['db.system'] === 'postgresql' && text.test(String(s.attributes['db.statement'])));
    expect(statements('stock', /stock\.reserve\(/).length).toBe(1);
    expect(statements('stock', /stock\.finish_reservation\(/).length).toBe(1);
    expect(statements('orders', /orders\.checkouts/).length).toBeGreaterThanOrEqual(2);
    expect(statements('prices', /"prices"\."price_entries"/).length).toBeGreaterThanOrEqual(1);
  });

  it("counts each service's operations, errors by code and its pool on /metrics", async () => {
    const metrics = async (name: string) => (await fetch(`${urlOf(name)}/metrics`)).text();
    const sample = (text: string, line: RegExp) => text.split('\n').filter((l) => line.test(l));
    const value = (text: string, series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.split(' ')[1] ?? 0,
      );
    const counted = async () => {
      const [bff, gateway] = [await metrics('bff-b2c'), await metrics('gateway')];
      return [
        value(bff, 'storegraph_requests_total{service="bff-b2c",operation="CreateCart",status="200"}'),
        value(bff, 'storegraph_request_duration_seconds_count{service="bff-b2c",operation="CreateCart"}'),
        value(gateway, 'storegraph_requests_total{service="gateway",operation="CreateCart",status="200"}'),
      ];
    };
    // One cart created by a guest: one CreateCart through this BFF and the gateway (a mutation: never cached).
    const before = await counted();
    const guest = await fetch(`${urlOf('bff-b2c')}/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { accessToken } = (await guest.json()) as { accessToken: string };
    expect(data(await call('CreateCart', {}, accessToken)).createCart.id).toMatch(/\S/);
    expect(await counted()).toEqual(before.map((n) => n + 1));
    // A staff mutation's text sent to the storefront: not on its allow-list, 403 and its code, counted under its name.
    const refused = await postGraphQL(
      `${urlOf('bff-b2c')}/graphql`,
      {
        query: 'mutation ReleaseReservation($id: ID!) { releaseReservation(id: $id) { __typename } }',
        operationName: 'ReleaseReservation',
        variables: { id: 'res_x' },
      },
      { accept: 'application/graphql-response+json', ...channelHeaders('b2c', 'web-eu') },
    );
    expect([refused.status, refused.errors?.map((e) => e.extensions?.code)]).toEqual([403, ['OPERATION_NOT_ALLOWED']]);
    const bff = await metrics('bff-b2c');
    expect(sample(bff, /^storegraph_graphql_errors_total\{service="bff-b2c",operation="ReleaseReservation"/)).toEqual([
      'storegraph_graphql_errors_total{service="bff-b2c",operation="ReleaseReservation",code="OPERATION_NOT_ALLOWED"} 1',
    ]);
    // The orders subgraph: its pool size as configured, its connections, its outbox backlog (no relay runs here).
    const orders = await metrics('orders');
    expect(sample(orders, /^storegraph_db_pool_max/)).toEqual(['storegraph_db_pool_max{service="orders"} 3']);
    // The scrape's own query holds one of them active while it counts.
    const active = sample(orders, /^storegraph_db_connections\{service="orders",state="active"\} \d+$/);
    expect(active.length).toBe(1);
    expect(Number(active[0]!.split(' ')[1])).toBeGreaterThanOrEqual(1);
    expect(sample(orders, /^storegraph_outbox_unpublished\{service="orders"\} \d+$/).length).toBe(1);
    expect(sample(orders, /^storegraph_outbox_lag_seconds\{service="orders"\} [\d.e+-]+$/).length).toBe(1);
  });
});
