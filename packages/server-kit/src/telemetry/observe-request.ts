import type http from 'node:http';
import { countRequest, operationOf, serveMetrics } from './metrics.ts';
import { contextFromHeaders, inSpan, SpanKind, SpanStatusCode, tracingEnabled } from './tracing.ts';

/**
 * The one hook each HTTP front (subgraphs and the gateway in http-server.ts, the BFFs in bff-server.ts) runs
 * every request through: `GET /metrics` answers the Prometheus text (unless served elsewhere); anything else is counted and, with
 * tracing on, runs in a server span continuing the caller's `traceparent`, carrying the request id and the
 * operation. Probes (/healthz, /readyz) are neither counted nor traced.
 */
export async function observeRequest(
  service: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  handle: () => Promise<unknown>,
  opts: { metrics?: boolean } = {},
): Promise<unknown> {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  if (path === '/healthz' || path === '/readyz') return handle();
  // `metrics: false`: this port is public and /metrics has a port of its own (a BFF's METRICS_PORT).
  if (path === '/metrics' && req.method === 'GET' && opts.metrics !== false) return serveMetrics(res);
  countRequest(service, path, res);
  if (!tracingEnabled()) return handle();
  return inSpan(
    `${req.method} ${path}`,
    SpanKind.SERVER,
    contextFromHeaders(req.headers),
    { 'http.method': req.method ?? '', 'http.route': path },
    async (span) => {
      try {
        await handle();
      } finally {
        // Set before the span ends (here, not on 'finish', which comes after the answer is flushed).
        const requestId = res.getHeader('x-request-id') ?? req.headers['x-request-id'];
        if (requestId) span.setAttribute('storegraph.request_id', String(requestId));
        const operation = operationOf(res);
        if (operation) {
          span.setAttribute('graphql.operation.name', operation);
          span.updateName(`${req.method} ${path} ${operation}`);
        }
        span.setAttribute('http.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
    },
  );
}
