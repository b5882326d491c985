import http from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ErrorCodes } from '@storegraph/schema';

/**
 * Prometheus metrics of this process, served on `/metrics` by every service: requests and their latency per
 * operation, GraphQL errors by code, the PostgreSQL pool and the outbox's backlog (subgraphs), plus Node's own
 * (event loop lag, heap, GC). One registry per process with a `service` label, since the test system runs
 * several services in one process.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'storegraph_node_' });

const requests = new Counter({
  name: 'storegraph_requests_total',
  help: 'HTTP requests answered, by operation (GraphQL operationName; the path for other routes) and status',
  labelNames: ['service', 'operation', 'status'] as const,
  registers: [registry],
});
const latency = new Histogram({
  name: 'storegraph_request_duration_seconds',
  help: 'Time to answer a request, by operation',
  labelNames: ['service', 'operation'] as const,
  // From a cached BFF answer (~1 ms) to a checkout under load (~1 s) and the 5 s statement timeout.
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
const errors = new Counter({
  name: 'storegraph_graphql_errors_total',
  help: 'GraphQL errors answered, by operation and code (codes from schema/src/error-codes.ts)',
  labelNames: ['service', 'operation', 'code'] as const,
  registers: [registry],
});

/**
 * Operation names come from callers: the first 200 distinct well-formed names get a series of their own, any
 * later one counts as `other`, so a client inventing names cannot grow the registry without bound (the BFFs
 * answer only allow-listed names; the subgraphs' callers are the gateway and other subgraphs).
 */
const MAX_OPERATIONS = 200;
const seen = new Set<string>();
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
export function operationLabel(name: unknown): string {
  if (typeof name !== 'string' || !OPERATION_NAME.test(name)) return 'anonymous';
  if (seen.has(name)) return name;
  if (seen.size >= MAX_OPERATIONS) return 'other';
  seen.add(name);
  return name;
}

const OPERATION = Symbol('storegraph.operation');
const ERROR_CODES = Symbol('storegraph.errorCodes');
type Observed = http.ServerResponse & { [OPERATION]?: string; [ERROR_CODES]?: string[] };

/** Names the GraphQL operation a response answers (its metrics label). */
export function noteOperation(res: http.ServerResponse, name: unknown): void {
  (res as Observed)[OPERATION] = operationLabel(name);
}

/** The operation noted for a response, if any. */
export const operationOf = (res: http.ServerResponse): string | undefined => (res as Observed)[OPERATION];

const CODE = /"code":"([A-Z_]{3,40})"/g;
const ERRORS = '"errors"';
/** Where an answer's errors are: Apollo and the BFFs write `errors` first; a rewritten body may put it last. */
const HEAD = 512;
const TAIL = 4_096;
function mentionsErrors(chunk: string | Buffer): boolean {
  // Searching a whole 60 kB listing cost ~25 µs a request; its head and tail are where `errors` can be.
  if (chunk.length <= HEAD + TAIL) return chunk.includes(ERRORS);
  if (typeof chunk === 'string') return chunk.slice(0, HEAD).includes(ERRORS) || chunk.slice(-TAIL).includes(ERRORS);
  return chunk.subarray(0, HEAD).includes(ERRORS) || chunk.subarray(-TAIL).includes(ERRORS);
}
/** Reads the error codes of a JSON answer as it is sent; only codes of the one list count (bounded labels). */
function sniffErrors(res: Observed, chunk: unknown): void {
  if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return;
  if (!mentionsErrors(chunk)) return;
  const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  const codes = [...text.matchAll(CODE)].map((m) => m[1]!).filter((c) => c in ErrorCodes);
  if (codes.length) res[ERROR_CODES] = [...(res[ERROR_CODES] ?? []), ...codes];
}

/**
 * The response class of every service's HTTP server (`http.createServer({ ServerResponse: ObservedResponse })`):
 * it reads the error codes of the answer as it is sent. A subclass, not a patched `res.end`: assigning `end` on
 * each response cost 22 µs of CPU per request (V8 deoptimises the instance). All the counting here costs ~4 µs
 * a request (a trivial handler answering 52 kB: 39.8 -> 44.1 µs of server CPU per request, A/B in one process).
 */
export class ObservedResponse<Request extends http.IncomingMessage = http.IncomingMessage> extends http.ServerResponse<Request> {
  override end(chunk?: unknown, ...rest: unknown[]): this {
    if (chunk && typeof chunk !== 'function') sniffErrors(this as unknown as Observed, chunk);
    return (super.end as (...a: unknown[]) => this)(chunk, ...rest);
  }
}

/** Counts one request when its answer is sent. */
export function countRequest(service: string, path: string, res: http.ServerResponse): void {
  const started = performance.now();
  const observed = res as Observed;
  res.once('finish', () => {
    const operation = observed[OPERATION] ?? (path === '/graphql' ? 'anonymous' : 'http');
    const series = seriesOf(service, operation);
    let counter = series.byStatus.get(res.statusCode);
    if (!counter) {
      counter = requests.labels(service, operation, String(res.statusCode));
      series.byStatus.set(res.statusCode, counter);
    }
    counter.inc();
    series.latency.observe((performance.now() - started) / 1000);
    for (const code of observed[ERROR_CODES] ?? []) errors.inc({ service, operation, code });
  });
}

/**
 * The label children of each service and operation, looked up once: prom-client hashes a label object on every
 * inc/observe, which was most of the cost of counting a request (measured with a trivial handler: 77% of
 * its throughput with label objects).
 */
const series = new Map<string, { latency: ReturnType<typeof latency.labels>; byStatus: Map<number, ReturnType<typeof requests.labels>> }>();
function seriesOf(service: string, operation: string) {
  const key = `${service}\u0000${operation}`;
  let s = series.get(key);
  if (!s) {
    s = { latency: latency.labels(service, operation), byStatus: new Map() };
    series.set(key, s);
  }
  return s;
}

/** The Prometheus text exposition of this process. */
export async function serveMetrics(res: http.ServerResponse): Promise<void> {
  const text = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
