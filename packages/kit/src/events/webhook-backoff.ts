/** When the next attempt runs: exponential from `baseMs`, capped at `maxMs`, with full jitter on its upper half. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  // Half fixed, half random: receivers coming back from an outage are not hit by every sender at once,
  // and no retry comes sooner than half its step.
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
