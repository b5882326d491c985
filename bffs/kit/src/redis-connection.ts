import { Redis } from 'ioredis';
import type { Logger } from '@storegraph/server-kit';

/**
 * A Redis connection for state the BFF's replicas share (rate-limit budgets, the response cache). Commands fail
 * at once while it is down (no offline queue; each user has its own fallback) and it reconnects by itself.
 * Start-up waits for it (3 s at most): requests before then would use this replica's fallback only.
 */
export async function connectRedis(url: string, logger: Logger, purpose: string): Promise<Redis> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', (err) => logger.warn({ err: err.message }, `${purpose}: Redis unreachable`));
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return redis;
}

export async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (redis) await redis.quit().catch(() => redis.disconnect());
}
