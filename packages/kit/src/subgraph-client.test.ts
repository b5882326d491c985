import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SubgraphClient } from './subgraph-client.ts';

/** A stand-in replica of another subgraph: answers every POST with its own name, and counts them. */
async function replica(name: string) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(JSON.parse(body).variables.n);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { servedBy: name } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An address nobody listens on: a port taken and released again. */
async function deadUrl() {
  const dead = await replica('dead');
  await dead.close();
  return dead.url;
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

describe('a subgraph client over replicas', () => {
  it('takes the replicas in turn', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    const client = new SubgraphClient('other', `${a.url},${b.url}`);
    open.push(a, b, client);
    const served = [];
    for (const n of ['1', '2', '3', '4']) served.push((await client.execute<{ servedBy: string }>('ctx', 'req', 'query($n: String) { x }', { n })).servedBy);
    expect(served).toEqual(['a', 'b', 'a', 'b']);
    expect([a.seen, b.seen]).toEqual([
      ['1', '3'],
      ['2', '4'],
    ]);
  });

  it('sends a write past a replica that refuses the connection, once, to the one that answers', async () => {
    const b = await replica('b');
    const client = new SubgraphClient('other', `${await deadUrl()},${b.url}`);
    open.push(b, client);
    const served = [];
    for (const n of ['1', '2', '3']) served.push((await client.execute<{ servedBy: string }>('ctx', 'req', 'mutation($n: String) { x }', { n })).servedBy);
    // Every write reached b exactly once: the refused attempts were never sent.
    expect(served).toEqual(['b', 'b', 'b']);
    expect(b.seen).toEqual(['1', '2', '3']);
  });

  it('says the service is unavailable, and that nothing was sent, when every replica refuses', async () => {
    const client = new SubgraphClient('other', `${await deadUrl()},${await deadUrl()}`);
    open.push(client);
    const failure = await client.execute('ctx', 'req', 'mutation { x }', {}).catch((err: unknown) => err);
    expect(failure).toMatchObject({ name: 'DependencyUnavailableError', service: 'other', sent: false, transportCode: 'ECONNREFUSED' });
  });
});
