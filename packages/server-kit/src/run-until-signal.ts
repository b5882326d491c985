import { createLogger } from './logger.ts';
import { shutdownTracing, startTracing } from './telemetry/tracing.ts';

/** Longest a stop may take (drain in-flight requests, close pools) before the process exits anyway. */
const STOP_DEADLINE_MS = 10_000;

/**
 * Runs a service as its own process: stops cleanly on SIGINT/SIGTERM, exits 1 on a failed start. Under the
 * launcher (STOREGRAPH_SUPERVISED=1, stdin a pipe from it) it also stops when the launcher is gone, so a
 * killed launcher never leaves services behind holding their ports.
 */
export async function runUntilSignal(name: string, start: () => Promise<{ close(): Promise<void> }>): Promise<void> {
  const logger = createLogger(name);
  try {
    // Before anything opens a pool or a server: openDatabase and the HTTP fronts ask whether tracing is on.
    startTracing(name);
    const running = await start();
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      setTimeout(() => {
        logger.error({ ms: STOP_DEADLINE_MS }, 'stop took too long: exiting');
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
      await running.close().catch((err) => logger.error({ err }, 'error while stopping'));
      await shutdownTracing();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (process.env.STOREGRAPH_SUPERVISED === '1') {
      process.stdin.once('end', () => void stop('launcher gone'));
      process.stdin.once('close', () => void stop('launcher gone'));
      process.stdin.resume();
    }
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}
