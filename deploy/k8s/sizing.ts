/**
 * Resource requests per service, from one `pnpm bench` run (5,600 products, 10 s per scenario, on this 2-core
 * machine shared with other work, so the CPU figures are what each process used at the throughput reached
 * there, not what it could use):
 *
 * | process   | peak CPU cores (scenario)                   | resident MiB at the end | request        | limit  |
 * |-----------|---------------------------------------------|-------------------------|----------------|--------|
 * | products  | 0.57 (listing, subgraph only)               | 262                     | 250m, 320Mi    | 512Mi  |
 * | stock     | 0.19 (reserve 3 lines)                      | 318                     | 200m, 384Mi    | 576Mi  |
 * | prices    | 0.17 (listing through the gateway)          | 287                     | 200m, 320Mi    | 512Mi  |
 * | orders    | 0.31 (flash sale); peak RSS 302 in checkout | 263                     | 300m, 384Mi    | 576Mi  |
 * | customers | 0.45 (argon2id sign-in storm)               | 201                     | 500m, 320Mi    | 512Mi  |
 * | gateway   | 0.21 (listing through the gateway)          | 430                     | 250m, 512Mi    | 768Mi  |
 * | bff-b2c   | 0.69 (product page, warm cache)             | 271                     | 250m, 320Mi    | 512Mi  |
 * | bff-b2b   | 0.04 (contract listing)                     | 213                     | 100m, 256Mi    | 384Mi  |
 * | bff-pos   | 0.13 (barcode scan)                         | 193                     | 150m, 256Mi    | 384Mi  |
 * | bff-admin | not in the bench; 249 idle in production    | -                       | 100m, 320Mi    | 512Mi  |
 *
 * Memory: the resident size rounded up to 64 MiB steps, limit 1.5x (V8's 32 MB semi-spaces and a burst's
 * garbage; a Node process at its limit is killed, not slowed). CPU: the scenario peak, except where that peak is a
 * warm-cache or single-subgraph flood; there the mixed-traffic share (0.1-0.2 cores) plus headroom, and the
 * autoscaler (70% of the request) adds replicas. No CPU limit: throttling a Node event loop turns into p99.
 */
export interface Size {
  cpu: string;
  memory: string;
  memoryLimit: string;
  minReplicas: number;
  /** above minReplicas: a HorizontalPodAutoscaler on CPU */
  maxReplicas: number;
}

const size = (cpu: string, memory: string, memoryLimit: string, minReplicas = 2, maxReplicas = 2): Size => ({
  cpu,
  memory,
  memoryLimit,
  minReplicas,
  maxReplicas,
});

export const SIZING: Record<string, Size> = {
  // Hot subgraphs (every listing and product page reads them) scale out; orders and customers stay at two
  // (their work is bounded by PostgreSQL row locks and argon2's thread pool, not by replicas).
  products: size('250m', '320Mi', '512Mi', 2, 6),
  stock: size('200m', '384Mi', '576Mi', 2, 6),
  prices: size('200m', '320Mi', '512Mi', 2, 6),
  orders: size('300m', '384Mi', '576Mi'),
  customers: size('500m', '320Mi', '512Mi'),
  gateway: size('250m', '512Mi', '768Mi', 2, 8),
  'bff-b2c': size('250m', '320Mi', '512Mi', 2, 10),
  'bff-b2b': size('100m', '256Mi', '384Mi', 2, 4),
  'bff-pos': size('150m', '256Mi', '384Mi', 2, 4),
  'bff-admin': size('100m', '320Mi', '512Mi'),
  migrate: size('100m', '256Mi', '384Mi', 1, 1),
};
