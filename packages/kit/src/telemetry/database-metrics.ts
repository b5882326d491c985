import type { Sql } from 'postgres';
import { Gauge } from 'prom-client';
import { metricsRegistry as registry } from '@storegraph/server-kit';

/** The pool and outbox gauges of a subgraph process: the server kit's registry, fed from this process's databases. */
export interface DatabaseSource {
  service: string;
  sql: Sql<any>;
  applicationName: string;
  poolSize: number;
  outboxSchema?: string;
}
const databases: DatabaseSource[] = [];

new Gauge({
  name: 'storegraph_db_pool_max',
  help: 'Connections this process may open to PostgreSQL (<NAME>_DB_POOL)',
  labelNames: ['service'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const d of databases) this.set({ service: d.service }, d.poolSize);
  },
});
new Gauge({
  name: 'storegraph_db_connections',
  help: "PostgreSQL connections of the service by state (pg_stat_activity of this database by application_name: all of the service's replicas)",
  labelNames: ['service', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const d of databases) {
      const rows = await d.sql<{ state: string; n: number }[]>`
        select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity where application_name = ${d.applicationName} and datname = current_database() group by 1`.catch(
        () => [],
      );
      for (const r of rows) this.set({ service: d.service, state: r.state }, r.n);
    }
  },
});
/**
 * One outbox query per scrape serves both outbox gauges: prom-client collects the metrics of a scrape
 * concurrently, so each gauge awaits the same answer (kept 1 s).
 */
let outboxScrape: { at: number; rows: Promise<{ service: string; n: number; lag: number }[]> } | undefined;
function outboxRows() {
  if (outboxScrape && performance.now() - outboxScrape.at < 1_000) return outboxScrape.rows;
  const rows = Promise.all(
    databases
      .filter((d) => d.outboxSchema)
      .map(async (d) => {
        const [row] = await d.sql<{ n: number; lag: number }[]>`
          select count(*)::int as n, coalesce(extract(epoch from now() - min(occurred_at)), 0)::float8 as lag
          from ${d.sql(d.outboxSchema!)}.outbox where published_at is null`.catch(() => []);
        return row ? [{ service: d.service, ...row }] : [];
      }),
  ).then((r) => r.flat());
  outboxScrape = { at: performance.now(), rows };
  return rows;
}
new Gauge({
  name: 'storegraph_outbox_unpublished',
  help: 'Outbox events not yet handed to the relay (webhooks, live updates)',
  labelNames: ['service'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const r of await outboxRows()) this.set({ service: r.service }, r.n);
  },
});
new Gauge({
  name: 'storegraph_outbox_lag_seconds',
  help: 'Age of the oldest unpublished outbox event (0 when none): how far the relay is behind',
  labelNames: ['service'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const r of await outboxRows()) this.set({ service: r.service }, r.lag);
  },
});

/** Adds a subgraph's pool (and outbox) to what /metrics reports. */
export function observeDatabase(source: DatabaseSource): () => void {
  databases.push(source);
  return () => {
    const i = databases.indexOf(source);
    if (i >= 0) databases.splice(i, 1);
  };
}
