/**
 * Crash tests kill the orders process at a step boundary of a real checkout: with
 * STOREGRAPH_FAULT_INJECTION on (start-up refuses it in production) a request may name a boundary in
 * `x-storegraph-crash-at` (e.g. `after:reserve`), and the saga SIGKILLs its own process there, after that
 * step's outcome is persisted and before the next step starts.
 */
export function crashIfAsked(at: string | undefined, boundary: string): void {
  if (at === boundary) process.kill(process.pid, 'SIGKILL');
}
