import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayClient } from './gateway-client.ts';

/**
 * A stand-in gateway: records the operation name of every request it receives and answers with its own name;
 * `drop` makes it cut the connection of the next request it receives instead (as a gateway killed mid-request).
 */
async function gateway(name: string) {
  const seen: string[] = [];
  let drop = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(JSON.parse(body).operationName);
      if (drop) {
        drop = false;
        return req.socket.destroy();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { servedBy: name } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    seen,
    dropNext: () => {
      drop = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An address nobody listens on: a port taken and released again. */
async function deadUrl() {
  const dead = await gateway('dead');
  await dead.close();
  return dead.url;
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

const servedBy = (r: { status: number; body: unknown }) => (r.status === 200 ? (r.body as { data: { servedBy: string } }).data.servedBy : `HTTP ${r.status}`);

describe('the BFF gateway client over several gateways', () => {
  it('takes one address, or a comma-separated list taken in turn', async () => {
    const [a, b] = [await gateway('a'), await gateway('b')];
    const one = new GatewayClient(a.url);
    const both = new GatewayClient(`${a.url},${b.url}`);
    open.push(a, b, one, both);
    expect(servedBy(await one.execute({ query: 'query One { x }', operationName: 'One' }, 'ctx', 'r'))).toBe('a');
    const served = [];
    for (const n of ['Q1', 'Q2', 'Q3', 'Q4']) served.push(servedBy(await both.execute({ query: `query ${n} { x }`, operationName: n }, 'ctx', 'r')));
    expect(served).toEqual(['a', 'b', 'a', 'b']);
    expect([a.seen, b.seen]).toEqual([
      ['One', 'Q1', 'Q3'],
      ['Q2', 'Q4'],
    ]);
  });

  it('sends a write past a gateway that refuses the connection to the next, once', async () => {
    const b = await gateway('b');
    const client = new GatewayClient([await deadUrl(), b.url]);
    open.push(b, client);
    const served = [];
    for (const n of ['W1', 'W2', 'W3'])
      served.push(servedBy(await client.execute({ query: `mutation ${n} { x }`, operationName: n }, 'ctx', 'r', {}, 'mutation')));
    expect(served).toEqual(['b', 'b', 'b']);
    expect(b.seen).toEqual(['W1', 'W2', 'W3']);
  });

  it('asks the next gateway a query whose connection dropped, but answers 503 for a write that may have arrived', async () => {
    const [a, b] = [await gateway('a'), await gateway('b')];
    const client = new GatewayClient([a.url, b.url]);
    open.push(a, b, client);
    a.dropNext();
    expect(servedBy(await client.execute({ query: 'query Read { x }', operationName: 'Read' }, 'ctx', 'r', {}, 'query'))).toBe('b');
    // Pass takes b's turn, so the write is a's: a receives it and drops the connection.
    expect(servedBy(await client.execute({ query: 'query Pass { x }', operationName: 'Pass' }, 'ctx', 'r'))).toBe('b');
    a.dropNext();
    const write = await client.execute({ query: 'mutation Write { x }', operationName: 'Write' }, 'ctx', 'r', {}, 'mutation');
    expect(write.status).toBe(503);
    expect((write.body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
    // a received the read and the write once each, b never the write.
    expect([a.seen, b.seen]).toEqual([
      ['Read', 'Write'],
      ['Read', 'Pass'],
    ]);
  });

  it('answers 503 SERVICE_UNAVAILABLE when every gateway refuses', async () => {
    const client = new GatewayClient([await deadUrl(), await deadUrl()]);
    open.push(client);
    const r = await client.execute({ query: 'mutation W { x }', operationName: 'W' }, 'ctx', 'r', {}, 'mutation');
    expect(r.status).toBe(503);
    expect((r.body as { errors: { extensions: { code: string; service: string } }[] }).errors[0]!.extensions).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      service: 'gateway',
    });
  });
});
