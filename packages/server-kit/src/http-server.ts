import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { URL } from 'node:url';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import type { Logger } from './logger.ts';
import { graphiqlPage } from './graphiql.ts';
import { SQL_COUNT_HEADER, withSqlCounter } from './sql-counter.ts';
import { noteOperation, ObservedResponse, observeRequest } from './telemetry/index.ts';

export interface ServeOptions<TContext extends BaseContext> {
  name: string;
  port: number;
  host?: string;
  apollo: ApolloServer<TContext>;
  /** `body` is the parsed JSON body (a subgraph picks its read replica from the document it carries). */
  context: (req: http.IncomingMessage, requestId: string, body?: unknown) => Promise<TContext>;
  logger: Logger;
  /** readiness: the database answers, the supergraph is loaded, ...; `detail` is shown on /readyz */
  ready?: () => Promise<boolean | { ok: boolean; detail?: Record<string, unknown> }>;
  /** Serve GraphiQL on GET /graphql for browsers. */
  graphiql?: { title: string; headers?: Record<string, string> } | false;
  /** Extra routes handled before GraphQL (e.g. a BFF's /auth endpoints). Return true when handled. */
  routes?: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => Promise<boolean>;
  maxBodyBytes?: number;
  /** count SQL statements of requests that ask for it (SQL_COUNT_HEADER); see sql-counter.ts */
  countSql?: boolean;
}

/**
 * The address services listen on: loopback unless `STOREGRAPH_LISTEN_HOST` says otherwise (a container must
 * listen on 0.0.0.0 for its port to be reachable from the pod network or compose's bridge).
 */
export const listenHost = (env: NodeJS.ProcessEnv = process.env): string => env.STOREGRAPH_LISTEN_HOST || '127.0.0.1';

/** /readyz answers within this even when a check hangs (a paused database, a dependency that accepts and never answers). */
const READY_TIMEOUT_MS = 1_000;
/** A stopping server lets requests in flight finish for this long, then closes what is left. */
export const DRAIN_MS = 5_000;

/** Runs a readiness check, not ready when it throws or takes longer than 1 s. */
export async function checkReady(ready: ServeOptions<BaseContext>['ready']): Promise<{ ok: boolean; detail?: Record<string, unknown> }> {
  if (!ready) return { ok: true };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ ok: boolean; detail: Record<string, unknown> }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: { timedOut: true } }), READY_TIMEOUT_MS);
  });
  try {
    const answer = await Promise.race([ready().then((r) => (typeof r === 'boolean' ? { ok: r } : r)), late]);
    return answer;
  } catch {
    return { ok: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops an HTTP server without cutting answers off or leaving clients on dead keep-alive sockets: no new
 * connections; idle keep-alive sockets closed now; each request still running answers with
 * `Connection: close` (see `draining`), and whatever is left after `DRAIN_MS` is closed.
 */
export async function drainServer(server: http.Server, ms = DRAIN_MS): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A socket that finishes its last request goes idle: close it then rather than at its keep-alive timeout.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const timer = setTimeout(() => server.closeAllConnections(), ms);
  await closed;
  clearInterval(sweep);
  clearTimeout(timer);
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let requestSeq = 0;
function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given)) return given;
  requestSeq = (requestSeq + 1) % 1_000_000_000;
  return `${process.pid.toString(36)}-${Date.now().toString(36)}-${requestSeq.toString(36)}`;
}

/**
 * A small Node HTTP front for Apollo Server (its documented `executeHTTPGraphQLRequest` integration):
 * /healthz, /readyz, GraphiQL on GET, GraphQL on POST, keep-alive on. No framework needed for this.
 */
export async function serveGraphQL<TContext extends BaseContext>(opts: ServeOptions<TContext>): Promise<RunningServer> {
  const limit = opts.maxBodyBytes ?? 2 * 1024 * 1024;
  await opts.apollo.start();
  let draining = false;
  const server = http.createServer({ ServerResponse: ObservedResponse }, (req, res) => observeRequest(opts.name, req, res, () => handle(req, res)));
  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (draining) res.setHeader('connection', 'close');
    try {
      // Liveness: the process answers. Readiness: it can serve (see `ready`), and it is not stopping.
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', service: opts.name });
      if (url.pathname === '/readyz') {
        const { ok, detail } = draining ? { ok: false, detail: { stopping: true } } : await checkReady(opts.ready);
        return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not-ready', service: opts.name, ...detail });
      }
      const body = req.method === 'POST' || req.method === 'PUT' ? await readBody(req, limit) : '';
      if (opts.routes && (await opts.routes(req, res, body))) return;
      if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'not found' });
      if (req.method === 'GET' && opts.graphiql && String(req.headers.accept ?? '').includes('text/html')) {
        const html = graphiqlPage(opts.graphiql.title, opts.graphiql.headers ?? {});
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(html);
      }
      const requestId = requestIdOf(req);
      const started = performance.now();
      res.once('finish', () =>
        opts.logger.info({ requestId, method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'),
      );
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      }
      let parsed: unknown = body;
      if (body && String(req.headers['content-type'] ?? '').includes('application/json')) {
        try {
          parsed = JSON.parse(body);
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        }
      }
      noteOperation(res, (parsed as { operationName?: unknown } | undefined)?.operationName ?? url.searchParams.get('operationName'));
      const httpRequest: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body: parsed };
      const execute = () => opts.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: httpRequest, context: () => opts.context(req, requestId, parsed) });
      // A request that asks for its SQL count runs in its own counter store (tests and the benchmark only).
      const result = opts.countSql && req.headers[SQL_COUNT_HEADER] ? await withSqlCounter(execute) : await execute();
      for (const [k, v] of result.headers) res.setHeader(k, v);
      res.setHeader('x-request-id', requestId);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') return res.end(result.body.string);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (err) {
      const status = (err as { status?: number }).status ?? 500;
      if (status >= 500) opts.logger.error({ err }, 'unhandled request error');
      if (!res.headersSent)
        sendJson(res, status, {
          errors: [
            {
              message: status === 413 ? 'request body too large' : 'internal error',
              extensions: { code: status === 413 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' },
            },
          ],
        });
      else res.end();
    }
  }
  // Node's default keep-alive timeout (5s) is shorter than the gateway's agent keeps sockets; make the
  // server outlive the client so a reused socket is never closed under an in-flight request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? listenHost(), resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  opts.logger.info({ url }, `${opts.name} listening`);
  return {
    url,
    port,
    close: async () => {
      draining = true;
      await drainServer(server);
      await opts.apollo.stop();
    },
  };
}
