export interface ScenarioResult {
  name: string;
  target: string;
  baseline: boolean;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  probeError: string | null;
  sqlStatements: Record<string, number>;
  /** cores used per process during the run (1.0 = one full core) */
  cpu: Record<string, number>;
}

/** The markdown table: each scenario with its ratio to the bare Node baseline measured in the same run. */
export function renderTable(
  results: ScenarioResult[],
  meta: { oversell: number; hotSku: object | null; stats: object; duration: number; memory: Record<string, number>; notes?: string[] },
): string {
  const bare = results.find((r) => r.target === 'bare');
  const lines = [
    `Storegraph benchmark — ${new Date().toISOString()} — ${meta.duration}s per scenario — catalog ${JSON.stringify(meta.stats)}`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors | × bare | SQL per op (per subgraph) | CPU cores per process |',
    '|---|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of results) {
    const ratio = bare ? `${((r.rps / bare.rps) * 100).toFixed(1)}%` : '';
    const sql = Object.entries(r.sqlStatements)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const cpu = Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(
      `| ${r.name}${r.probeError ? ` ⚠ ${r.probeError}` : ''} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${ratio} | ${sql} | ${cpu} |`,
    );
  }
  lines.push(
    '',
    `Oversold stock levels after the run: ${meta.oversell}`,
    ...(meta.notes ?? []).map((n) => `Note: ${n}`),
    `Resident memory per process (MiB): ${Object.entries(meta.memory)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return lines.join('\n');
}
