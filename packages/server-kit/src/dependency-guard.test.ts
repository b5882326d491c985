import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DependencyGuard, DependencyUnavailableError, openCircuits } from './dependency-guard.ts';

const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
const reset = () => Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

async function failure(p: Promise<unknown>): Promise<DependencyUnavailableError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DependencyUnavailableError);
  return err as DependencyUnavailableError;
}

describe('DependencyGuard', () => {
  it('tries a read twice and a write once, and says whether the request can have left', async () => {
    const guard = new DependencyGuard('reads', { failures: 100 });
    let calls = 0;
    const counted = (call: () => Promise<never>) => () => {
      calls += 1;
      return call();
    };
    const read = await failure(guard.run(counted(refused), { idempotent: true }));
    expect(calls).toBe(2);
    expect(read).toMatchObject({ service: 'reads', sent: false, transportCode: 'ECONNREFUSED' });
    calls = 0;
    const write = await failure(guard.run(counted(reset), { idempotent: false }));
    expect(calls).toBe(1);
    expect(write.sent).toBe(true);
  });

  it('opens after 5 consecutive failures, refuses at once while open, and closes after a good test call 1 s later', async () => {
    const guard = new DependencyGuard('flaky', { failures: 5, halfOpenAfterMs: 1_000 });
    for (let i = 0; i < 5; i++) await failure(guard.run(refused, { idempotent: false }));
    expect(guard.closed).toBe(false);
    expect(openCircuits()).toContain('flaky');
    let called = false;
    const started = performance.now();
    const refusedAtOnce = await failure(
      guard.run(
        async () => {
          called = true;
          return 1;
        },
        { idempotent: false },
      ),
    );
    expect(called).toBe(false);
    expect(refusedAtOnce.sent).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
    await sleep(1_050);
    // Readiness sees it will let the next call through, before any call tests it.
    expect(guard.closed).toBe(true);
    expect(await guard.run(async () => 42, { idempotent: false })).toBe(42);
    expect(guard.closed).toBe(true);
    expect(openCircuits()).not.toContain('flaky');
  });

  it('counts an answer its caller calls failed (a 5xx), not one it accepts', async () => {
    const guard = new DependencyGuard('five-hundreds', { failures: 2 });
    const failed = (status: number) => (status >= 500 ? `HTTP ${status}` : null);
    expect(await guard.run(async () => 404, { idempotent: true, failed })).toBe(404);
    await failure(guard.run(async () => 502, { idempotent: false, failed }));
    await failure(guard.run(async () => 503, { idempotent: false, failed }));
    expect(guard.closed).toBe(false);
  });
});
