import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NODE_FLAGS } from '@storegraph/kit';

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident memory in MiB, from /proc. */
export function rssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

export async function waitReady(url: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`${url} not ready`);
}

/** Each service as its own process, as in production (and as `pnpm start` runs them). */
export function launch(name: string, entry: string, env: NodeJS.ProcessEnv, port: number): ServiceProcess {
  // BENCH_CPU_PROF=prices,gateway writes a V8 CPU profile of those processes to bench-results/profiles on exit.
  const profiled = (process.env.BENCH_CPU_PROF ?? '').split(',').includes(name);
  const flags = profiled ? ['--cpu-prof', '--cpu-prof-dir=bench-results/profiles', `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
  // BENCH_NODE_FLAGS replaces the services' V8 flags, for A/B runs (e.g. BENCH_NODE_FLAGS=' ' for V8's defaults).
  const nodeFlags = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean) : SERVICE_NODE_FLAGS;
  const child = spawn(process.execPath, [...nodeFlags, ...flags, '--import', 'tsx', entry], { env: { ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return { name, url: `http://127.0.0.1:${port}/graphql`, child };
}

export async function stopAll(services: ServiceProcess[]) {
  for (const s of services) s.child.kill('SIGTERM');
  await Promise.all(services.map((s) => (s.child.exitCode !== null ? null : new Promise((r) => s.child.once('exit', r)))));
}

/** CPU seconds of every PostgreSQL process (server and backends): the database's share of the box. */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(entry));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return total;
}
