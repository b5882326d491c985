import { createLogger } from './logger.ts';

/** Runs a service as its own process: stops cleanly on SIGINT/SIGTERM, exits 1 on a failed start. */
export async function runUntilSignal(name: string, start: () => Promise<{ close(): Promise<void> }>): Promise<void> {
  const logger = createLogger(name);
  try {
    const running = await start();
    const stop = async (signal: string) => {
      logger.info({ signal }, 'stopping');
      await running.close().catch((err) => logger.error({ err }, 'error while stopping'));
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}
