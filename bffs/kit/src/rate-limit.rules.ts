import type http from 'node:http';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '@storegraph/server-kit';
import { EdgeCodes, refusal, type EdgeRefusal } from './edge-refusal.ts';
import { closeRedis, connectRedis } from './redis-connection.ts';

export interface RateLimitSettings {
  /** Length of one budget window in seconds. */
  windowSeconds: number;
  /** Requests one client address may make per window (0: no limit). */
  perIp: number;
  /** Requests one signed-in caller (a token's subject) may make per window, from any address (0: no limit). */
  perCredential: number;
  /** Guest sessions and demo sign-ins one address may start per window. */
  signInPerIp: number;
  /** Use the last x-forwarded-for address (the one a trusted proxy in front of the BFF saw) as the client's. */
  trustForwardedFor: boolean;
  /** Shared budgets for every replica; in this process's memory when unset. */
  redisUrl?: string;
  /** Starts every Redis key (REDIS_KEY_PREFIX): deployments or test runs sharing one Redis stay apart. */
  redisKeyPrefix?: string;
}

export interface RateLimits {
  /** Before anything is read: every request to the BFF counts against its address. */
  address(req: http.IncomingMessage): Promise<EdgeRefusal | null>;
  /** After authentication: a signed-in caller's requests count against them, whichever address they use. */
  credential(subject: string): Promise<EdgeRefusal | null>;
  /** Starting a session (guest token, demo sign-in) has its own, smaller budget per address. */
  signIn(req: http.IncomingMessage): Promise<EdgeRefusal | null>;
  close(): Promise<void>;
}

function clientAddress(req: http.IncomingMessage, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const forwarded = req.headers['x-forwarded-for'];
    const last = typeof forwarded === 'string' ? forwarded.split(',').at(-1)?.trim() : undefined;
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * Budgets per address, per credential and for sign-ins (rate-limiter-flexible, fixed windows), in memory
 * or in Redis so replicas share them. A request over budget is answered 429 with Retry-After and never
 * reaches the gateway. When Redis is unreachable each replica falls back to its own memory budget (an
 * outage of the limiter's store must not become an outage of the shop), and says so in the log.
 */
export async function createRateLimits(bff: string, s: RateLimitSettings, logger: Logger): Promise<RateLimits> {
  const redis = s.redisUrl ? await connectRedis(s.redisUrl, logger, 'rate limits (per replica until it is back)') : undefined;
  const limiter = (name: string, points: number): RateLimiterAbstract | undefined => {
    if (points <= 0) return undefined;
    const opts = { keyPrefix: `${s.redisKeyPrefix ?? 'sg'}:${bff}:${name}`, points, duration: s.windowSeconds };
    if (!redis) return new RateLimiterMemory(opts);
    return new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(opts) });
  };
  const byAddress = limiter('ip', s.perIp);
  const byCredential = limiter('sub', s.perCredential);
  const signIns = limiter('signin', s.signInPerIp);

  async function take(l: RateLimiterAbstract | undefined, key: string, what: string): Promise<EdgeRefusal | null> {
    if (!l) return null;
    try {
      await l.consume(key);
      return null;
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      return refusal(429, EdgeCodes.RATE_LIMITED, `too many requests ${what}: retry in ${seconds} s`, {
        headers: { 'retry-after': String(seconds) },
        extensions: { retryAfterSeconds: seconds },
      });
    }
  }

  return {
    address: (req) => take(byAddress, clientAddress(req, s.trustForwardedFor), 'from this address'),
    credential: (subject) => take(byCredential, subject, 'for this account'),
    signIn: (req) => take(signIns, clientAddress(req, s.trustForwardedFor), 'starting sessions from this address'),
    close: () => closeRedis(redis),
  };
}
