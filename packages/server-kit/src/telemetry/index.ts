export { observeRequest } from './observe-request.ts';
export { noteOperation, ObservedResponse, operationLabel, registry as metricsRegistry, serveMetrics, countRequest } from './metrics.ts';
export { shutdownTracing, startClientSpan, SpanStatusCode, startTracing, tracingEnabled, withTraceHeaders } from './tracing.ts';
