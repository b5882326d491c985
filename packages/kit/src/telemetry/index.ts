export { observeRequest } from './observe-request.ts';
export { noteOperation, ObservedResponse, observeDatabase, operationLabel, registry as metricsRegistry, serveMetrics } from './metrics.ts';
export { shutdownTracing, startTracing, tracingEnabled, withTraceHeaders } from './tracing.ts';
export { tracedSql } from './traced-sql.ts';
