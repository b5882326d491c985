import type http from 'node:http';

/** A data change, told to caches so that they drop what they hold of it (see the subgraph kit's change-feed.ts). */
export interface ChangeEvent {
  /** the Postgres schema = the subgraph that owns the data */
  schema: string;
}

/**
 * Serves change events as Server-Sent Events on GET /changes. A comment line every 15 s keeps proxies
 * from closing the stream and lets the client notice a dead one.
 */
const openStreams = new Set<http.ServerResponse>();

/** Ends every open change stream (at shutdown: they would otherwise keep the server from closing). */
export function endChangeStreams(): void {
  for (const res of openStreams) res.end();
  openStreams.clear();
}

export interface ChangeSource {
  on(event: 'change', fn: (e: ChangeEvent) => void): unknown;
  off(event: 'change', fn: (e: ChangeEvent) => void): unknown;
}

export function serveChangeStream(feeds: ChangeSource[], req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write(': connected\n\n');
  openStreams.add(res);
  const send = (e: ChangeEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`);
  for (const f of feeds) f.on('change', send);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
  req.on('close', () => {
    openStreams.delete(res);
    clearInterval(heartbeat);
    for (const f of feeds) f.off('change', send);
  });
}
