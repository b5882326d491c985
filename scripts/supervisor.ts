import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** A supervised thing: started again after it dies, until it dies too often. */
export interface Supervised {
  name: string;
  /** starts it; resolves with a handle once it runs */
  start(): Promise<Handle>;
}

export interface Handle {
  pid?: number;
  /** resolves when it exits, with why */
  exited: Promise<string>;
  /** asks it to stop (SIGTERM), kills it (SIGKILL) after `graceMs`; resolves once it is gone */
  stop(graceMs: number): Promise<void>;
}

export interface SupervisorOptions {
  log: (line: string) => void;
  /** first restart delay, doubled per consecutive crash up to maxDelayMs */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** more consecutive crashes than this, each within windowMs of its start, and the supervisor gives up */
  maxRestarts?: number;
  windowMs?: number;
  /** what it calls when restarting keeps failing */
  onGiveUp: (name: string) => void;
}

/**
 * Restarts what crashes, with exponential backoff (250 ms, 500 ms, 1 s, ... 8 s), and gives up when a
 * service crashed more than 5 times in a row, each time within 60 s of being started: a crash loop is a
 * bug or a missing dependency that restarting cannot fix, and the launcher then stops everything and exits
 * non-zero so that an outer supervisor notices. The count is of consecutive short runs, not of crashes in
 * a wall-clock minute: on a busy machine one boot can take 10 s, and six of them never fit in a minute, so
 * a sliding window let a service that can never start loop for ever. A run that lasted longer than the
 * window resets the count. Stopping never waits on a process for longer than its grace period.
 */
export class Supervisor {
  private readonly running = new Map<string, Handle>();
  /** consecutive runs per service that ended within windowMs of their start */
  private readonly shortRuns = new Map<string, number>();
  private stopping = false;
  private readonly opts: Required<SupervisorOptions>;

  constructor(opts: SupervisorOptions) {
    this.opts = { baseDelayMs: 250, maxDelayMs: 8_000, maxRestarts: 5, windowMs: 60_000, ...opts };
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Starts it and watches it: each exit that is not part of a stop schedules a restart. */
  async add(item: Supervised): Promise<void> {
    const handle = await item.start();
    this.running.set(item.name, handle);
    void this.watch(item, handle);
  }

  private async watch(item: Supervised, handle: Handle): Promise<void> {
    let current = handle;
    let startedAt = Date.now();
    for (;;) {
      const why = await current.exited;
      this.running.delete(item.name);
      if (this.stopping) return;
      const short = Date.now() - startedAt < this.opts.windowMs;
      const inARow = short ? (this.shortRuns.get(item.name) ?? 0) + 1 : 1;
      this.shortRuns.set(item.name, inARow);
      const window = `${this.opts.windowMs / 1000} s`;
      if (inARow > this.opts.maxRestarts) {
        this.opts.log(`${item.name} ${why}; it crashed ${inARow} times in a row, each within ${window} of starting: giving up`);
        this.opts.onGiveUp(item.name);
        return;
      }
      const delay = Math.min(this.opts.baseDelayMs * 2 ** (inARow - 1), this.opts.maxDelayMs);
      this.opts.log(`${item.name} ${why}; restarting in ${delay} ms (restart ${inARow} of at most ${this.opts.maxRestarts} in a row)`);
      await sleep(delay);
      // Ctrl-C reaches every process of the terminal's group at once: a child that stopped first is part of
      // the same shutdown, and the backoff gives the launcher's own SIGINT handler time to say so.
      if (this.stopping) return;
      startedAt = Date.now();
      try {
        current = await item.start();
      } catch (err) {
        this.opts.log(`${item.name} did not start again: ${(err as Error).message}`);
        current = { exited: Promise.resolve('failed to start'), stop: async () => {} };
        continue;
      }
      if (this.stopping) {
        await current.stop(5_000);
        return;
      }
      this.running.set(item.name, current);
      this.opts.log(`${item.name} restarted${current.pid ? ` (pid ${current.pid})` : ''}`);
    }
  }

  /** Stops group by group in the given order (the names of a group, comma-separated, together), each within graceMs. */
  async stopAll(order: readonly string[], graceMs: number): Promise<void> {
    this.stopping = true;
    for (const group of order) {
      const names = group.split(',');
      await Promise.all(names.map((n) => this.running.get(n)?.stop(graceMs)));
    }
    // Anything not named (there should be nothing) goes last.
    await Promise.all([...this.running.values()].map((h) => h.stop(graceMs)));
  }
}

/** Why a process ended, in words for the log. */
export function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed (${signal})` : `exited with code ${code}`;
}

/** A Node service process: its stdin is a pipe, so it can notice that the launcher is gone (see runUntilSignal). */
export function spawnService(entry: string, env: NodeJS.ProcessEnv, nodeFlags: readonly string[]): Handle & { child: ChildProcess } {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', entry], {
    env: { ...env, STOREGRAPH_SUPERVISED: '1' },
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(exitReason(code, signal))));
  return { child, pid: child.pid, exited, stop: (graceMs) => stopChild(child, exited, graceMs) };
}

export async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (killed) {
    child.kill('SIGKILL');
    await exited;
  }
}
