/**
 * One autocannon scenario against one process: a probe outside the load for its SQL statement counts, a warm-up,
 * then the measured run with the CPU each process used, and any background storm alongside.
 */
import autocannon, { type Options } from 'autocannon';
import { CONTEXT_HEADER, signChannelContext } from '@storegraph/schema';
import { DEV_CONTEXT_SECRET, SQL_COUNT_HEADER } from '@storegraph/kit';
import { CHANNELS, DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { cpuSeconds, postgresCpuSeconds, type ServiceProcess } from './processes.ts';
import type { Scenario } from './scenarios.ts';
import type { ScenarioResult } from './report.ts';

/** Seconds of warm-up and of measurement (BENCH_WARMUP, BENCH_DURATION). */
export interface Timing {
  warmup: number;
  duration: number;
}

function urlOf(services: ServiceProcess[], target: string) {
  const s = services.find((x) => x.name === target);
  if (!s) throw new Error(`no process ${target}`);
  return s.url;
}

async function headersFor(s: Scenario): Promise<Record<string, string>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...s.headers };
  // The BFFs run in production mode: a storefront names its channel with its publishable key.
  if (s.target === 'bff-b2c') headers['x-publishable-key'] ??= DEMO_PUBLISHABLE_KEYS['web-eu']!;
  if (s.channel) {
    const base = CHANNELS.find((c) => c.code === s.channel)!;
    headers[CONTEXT_HEADER] = await signChannelContext(
      {
        requestId: 'bench',
        channel: base.code,
        channelKind: base.kind,
        currency: base.currency,
        locale: base.defaultLocale,
        country: base.country,
        taxMode: base.taxMode,
      },
      DEV_CONTEXT_SECRET,
      'bench',
      // The longest lifetime subgraphs accept (STOREGRAPH_CONTEXT_MAX_TTL_SECONDS); a scenario lasts well under it.
      300,
    );
  }
  return headers;
}

function bodyOf(s: Scenario): string {
  const variables = typeof s.variables === 'function' ? s.variables() : s.variables;
  return JSON.stringify({ query: s.query, variables });
}

export async function responseSize(services: ServiceProcess[], s: Scenario): Promise<number> {
  const res = await fetch(urlOf(services, s.target), { method: 'POST', headers: await headersFor(s), body: bodyOf(s) });
  return (await res.text()).length;
}

/** One request outside the load, to read the SQL statement counts and check the answer has no errors. */
async function probe(services: ServiceProcess[], s: Scenario) {
  if (s.target === 'bare') return { sql: {}, error: null as string | null };
  // Only this probe asks for SQL counts: counting runs an AsyncLocalStorage, which the load must not pay for.
  const headers = { ...(await headersFor(s)), [SQL_COUNT_HEADER]: '1' };
  const res = await fetch(urlOf(services, s.target), { method: 'POST', headers, body: bodyOf(s) });
  const json = (await res.json()) as { errors?: { message: string }[]; extensions?: { sqlStatements?: Record<string, number> } };
  return { sql: json.extensions?.sqlStatements ?? {}, error: json.errors?.[0]?.message ?? null };
}

export async function runScenario(s: Scenario, services: ServiceProcess[], { warmup: WARMUP, duration: DURATION }: Timing): Promise<ScenarioResult> {
  const url = urlOf(services, s.target);
  const headers = await headersFor(s);
  const options: Options = {
    url,
    method: 'POST' as const,
    headers,
    connections: s.connections,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: bodyOf(s) }) }],
  };
  const { sql, error } = await probe(services, s);
  const background = s.background
    ? autocannon({
        url: urlOf(services, s.background.target),
        method: 'POST' as const,
        headers: await headersFor(s.background),
        connections: s.background.connections,
        requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: bodyOf(s.background!) }) }],
        duration: WARMUP + DURATION + 1,
      })
    : null;
  await autocannon({ ...options, duration: WARMUP });
  const before = Object.fromEntries(services.map((p) => [p.name, cpuSeconds(p.child.pid!)]));
  const pgBefore = postgresCpuSeconds();
  const selfBefore = process.cpuUsage();
  const r = await autocannon({ ...options, duration: DURATION });
  const cpu = Object.fromEntries(services.map((p) => [p.name, (cpuSeconds(p.child.pid!) - before[p.name]!) / DURATION])) as Record<string, number>;
  cpu.postgres = (postgresCpuSeconds() - pgBefore) / DURATION;
  const self = process.cpuUsage(selfBefore);
  cpu['load generator'] = (self.user + self.system) / 1e6 / DURATION;
  const behind = await background;
  return {
    name: behind ? `${s.name} (storm: ${behind.requests.average.toFixed(0)}/s)` : s.name,
    target: s.target,
    baseline: !!s.baseline,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
    probeError: error,
    sqlStatements: sql,
    cpu: Object.fromEntries(
      Object.entries(cpu)
        .filter(([, v]) => v > 0.02)
        .map(([k, v]) => [k, Math.round(v * 100) / 100]),
    ),
  };
}
