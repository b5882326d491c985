import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until a service process this test started answers its readiness probe: up to 60 s, since tsx and a whole
 * subgraph boot slowly on a loaded 2-core machine. Fails at once when the process exits while starting.
 */
export async function untilReady(port: number, alive: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (!alive()) throw new Error(`${what} exited while starting`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not become ready`);
}
