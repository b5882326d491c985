import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenHost, sendJson, serveMetrics } from '@storegraph/server-kit';
import { errorBody } from './edge-refusal.ts';

/** The internal metrics port: `GET /metrics` and nothing else (every other path 404). */
export async function serveMetricsPort(port: number): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '/').split('?', 1)[0] === '/metrics') return void serveMetrics(res);
    sendJson(res, 404, errorBody('NOT_FOUND', 'not found'));
  });
  await new Promise<void>((resolve) => server.listen(port, listenHost(), resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
