import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces, off unless `OTEL_TRACES_EXPORTER` is `otlp` (OTLP over HTTP/JSON to
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`) or `console`.
 * Off, no provider is registered and every helper here returns after one boolean test: the request path
 * opens no span, injects no header and enables no AsyncLocalStorage (which makes every promise on Node 20
 * about 2.7x dearer; see sql-counter.ts). On, one trace follows a request BFF -> gateway -> subgraphs ->
 * PostgreSQL through the W3C `traceparent` header; `STOREGRAPH_TRACE_SAMPLE_RATIO` (0-1, default 1) samples
 * at the BFF and every later hop follows the caller's decision.
 */
let provider: NodeTracerProvider | undefined;

export const tracingEnabled = (): boolean => provider !== undefined;

function exporterFrom(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  const kind = (env.OTEL_TRACES_EXPORTER ?? 'none').trim();
  if (kind === 'none' || kind === '') return undefined;
  if (kind === 'otlp') return new OTLPTraceExporter();
  if (kind === 'console') return new ConsoleSpanExporter();
  throw new Error(`invalid configuration:\n  OTEL_TRACES_EXPORTER: one of none, otlp, console (got ${kind})`);
}

/** Starts tracing for this process when configured; a second call (several services in one process, as in tests) keeps the first. */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (provider) return true;
  const exporter = exporterFrom(env);
  if (!exporter) return false;
  const ratio = Number(env.STOREGRAPH_TRACE_SAMPLE_RATIO ?? 1);
  if (!(ratio >= 0 && ratio <= 1)) throw new Error('invalid configuration:\n  STOREGRAPH_TRACE_SAMPLE_RATIO: a number from 0 to 1');
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? service, 'service.namespace': 'storegraph' }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    // A small delay: a stopping pod flushes in shutdownTracing, and traces show up while a test waits.
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
  });
  // AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  return true;
}

/** Sends the spans still buffered (a stopping process); a no-op when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown().catch(() => {});
  provider = undefined;
}

const tracer = () => trace.getTracer('storegraph');

/** The context a caller sent in `traceparent`, or none. */
export const contextFromHeaders = (headers: Record<string, string | string[] | undefined>): Context => propagation.extract(ROOT_CONTEXT, headers);

/** An outgoing request's headers with `traceparent` for the active span added (a copy); the same object when tracing is off. */
export function withTraceHeaders<T extends Record<string, string> | undefined>(headers: T): T {
  if (!provider) return headers;
  const copy = { ...headers } as Record<string, string>;
  propagation.inject(context.active(), copy);
  return copy as T;
}

/** Runs `fn` inside a span that is ended (with an error status when `fn` throws) when `fn` settles. */
export async function inSpan<T>(name: string, kind: SpanKind, parent: Context, attributes: Record<string, string>, fn: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** Starts a client span under the active one (for a PostgreSQL statement); the caller ends it. */
export const startClientSpan = (name: string, attributes: Record<string, string>): Span =>
  tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active());

export { SpanKind, SpanStatusCode };
