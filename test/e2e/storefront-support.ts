import http from 'node:http';
import { createServer } from 'node:net';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { buildStorefront, startStorefront, type RunningStorefront } from '../../examples/storefront-next/scripts/storefront-server.ts';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The example storefront built (once per change of its sources; about 35 s) and served against a B2C BFF
 * with the demo's publishable keys for web-eu and web-us, as `npm run storefront` serves it.
 */
export async function serveStorefront(
  b2cUrl: string,
  opts: { catalogueCache?: boolean; port?: number; webhookSecret?: string; redis?: { url: string; keyPrefix: string } } = {},
): Promise<RunningStorefront & { builtInSeconds: number }> {
  const builtInSeconds = await buildStorefront();
  const shop = await startStorefront({
    b2cUrl,
    keys: { 'web-eu': DEMO_PUBLISHABLE_KEYS['web-eu']!, 'web-us': DEMO_PUBLISHABLE_KEYS['web-us']! },
    port: opts.port ?? (await freePort()),
    catalogueCache: opts.catalogueCache,
    webhookSecret: opts.webhookSecret,
    // A test's storefront shares a cache only when it asks to (a REDIS_URL in the test's environment is not a request).
    redis: opts.redis ?? null,
  });
  return { ...shop, builtInSeconds };
}

export { CHROMIUM, launchBrowser } from '../support/browser.ts';

/**
 * A counting hop in front of the real B2C BFF (our own service, passed through unchanged): `asked` lists
 * each /graphql POST as `anonymous|token <operationName>`, so a test sees which renders reached the BFF.
 */
export async function countingHop(b2cUrl: string) {
  const asked: string[] = [];
  const bffOrigin = new URL(b2cUrl).origin;
  const PASS = ['content-type', 'accept', 'accept-language', 'authorization', 'x-publishable-key', 'x-guest-token'];
  const hop = http.createServer(async (req, res) => {
    // The order page's live status is a WebSocket: not passed on (the page then shows the status it read).
    if (req.headers.upgrade) {
      res.writeHead(426).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (req.url === '/graphql' && req.method === 'POST')
      asked.push(`${req.headers.authorization ? 'token' : 'anonymous'} ${JSON.parse(body.toString()).operationName}`);
    const headers = Object.fromEntries(PASS.filter((h) => req.headers[h]).map((h) => [h, String(req.headers[h])]));
    const upstream = await fetch(`${bffOrigin}${req.url}`, { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
    const back = ['content-type', 'cache-control'].filter((h) => upstream.headers.has(h)).map((h) => [h, upstream.headers.get(h)!] as [string, string]);
    res.writeHead(upstream.status, Object.fromEntries(back));
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => hop.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(hop.address() as { port: number }).port}/graphql`,
    asked,
    close: () => new Promise<void>((r) => hop.close(() => r())),
  };
}

/**
 * A reverse proxy in front of the storefront, as a load balancer or nginx with its defaults is: it passes every
 * request on unchanged but for `Host`, which names the upstream (so the storefront sees its own address, not the
 * public one), and hands the answer back as it came, redirects included.
 */
export async function frontProxy(upstreamUrl: string) {
  const upstream = new URL(upstreamUrl);
  const proxy = http.createServer((req, res) => {
    const onward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    onward.on('error', () => res.writeHead(502).end());
    req.pipe(onward);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    close: () => new Promise<void>((r) => proxy.close(() => r())),
  };
}
