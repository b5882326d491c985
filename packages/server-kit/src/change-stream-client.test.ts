import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { serveChangeStream, type ChangeEvent } from './change-stream.ts';
import { ChangeStreamClient } from './change-stream-client.ts';

/** A stand-in relay of changes (as each gateway is): GET /changes serves what `tell` announces. */
async function relay() {
  const feed = new EventEmitter<{ change: [ChangeEvent] }>();
  const server = http.createServer((req, res) => serveChangeStream([feed], req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/changes`;
  return {
    url,
    tell: (schema: string) => feed.emit('change', { schema }),
    /** gone at once with every open stream, as a killed process */
    kill: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls (at most 5 s) until `done`. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !done(); i++) await sleep(20);
  expect(done()).toBe(true);
}

const clients: ChangeStreamClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.stop();
});

describe('a change stream client over several relays', () => {
  it('follows the first, and moves to the next when its stream goes away: down, then up, then its changes', async () => {
    const [a, b] = [await relay(), await relay()];
    const client = new ChangeStreamClient([a.url, b.url]);
    clients.push(client);
    const heard: string[] = [];
    client.on('up', () => heard.push(`up ${client.url === a.url ? 'a' : 'b'}`));
    client.on('down', () => heard.push('down'));
    client.on('change', (e) => heard.push(e.schema));
    client.start();
    await until(() => client.connected);
    a.tell('products');
    // b's changes are not followed while a's stream is up.
    b.tell('prices');
    await until(() => heard.includes('products'));
    await a.kill();
    await until(() => heard.length === 4);
    b.tell('stock');
    await until(() => heard.includes('stock'));
    expect(heard).toEqual(['up a', 'products', 'down', 'up b', 'stock']);
    await b.kill();
  });

  it('passes over a relay that cannot be reached to the next one', async () => {
    const [dead, b] = [await relay(), await relay()];
    await dead.kill();
    const client = new ChangeStreamClient([dead.url, b.url]).start();
    clients.push(client);
    await until(() => client.connected);
    expect(client.url).toBe(b.url);
    await b.kill();
  });
});
