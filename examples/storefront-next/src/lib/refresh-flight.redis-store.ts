import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RefreshOutcome } from './token-refresh.session';

/**
 * One refresh per refresh token across every storefront replica sharing Redis (REDIS_URL). A per-process single
 * flight is not enough once replicas share no sticky session: two replicas spending one token is a reuse, and the
 * BFF revokes the whole sign-in. `<prefix>:{sf}:r:<sha256 of the token>` is claimed with SET NX: the winner
 * exchanges the token and stores the outcome there for 60 s; the others poll it (every 100 ms, 10 s at most) and
 * reuse it. The stored pair is encrypted with a key derived from the old refresh token, so Redis alone never holds
 * a usable token: only a request presenting that old token can read what it was exchanged for.
 * While Redis cannot be reached each replica exchanges on its own (its process map still holds one flight per
 * token), as the BFF's rate limits do: a shopper racing two replicas during an outage may be signed out, which is
 * better than signing every customer out, or leaving them all unable to refresh, until Redis is back.
 */
const CLAIM_MS = 15_000; // longer than an exchange may take (the BFF answers a refresh in well under 1 s)
const KEEP_MS = 60_000; // as the process map: a request that arrives later with the old cookie gets the new pair
const POLL_MS = 100;
const WAIT_MS = 10_000;
const PENDING = 'pending';

export class RedisRefreshFlights {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // A command waits for the connection (a replica's first refresh) but fails after one reconnect attempt.
    this.redis = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    this.redis.on('error', (err) => console.warn(`[storefront] refresh single flight: Redis unreachable (${err.message})`));
  }

  /** The outcome of exchanging `refreshToken`, exchanged by `exchange` on exactly one replica. */
  async run(refreshToken: string, exchange: () => Promise<RefreshOutcome>): Promise<RefreshOutcome> {
    let claimed = false;
    try {
      return await this.flight(refreshToken, exchange, () => {
        claimed = true;
      });
    } catch (err) {
      if (claimed) throw err;
      console.warn(`[storefront] refresh single flight: Redis unreachable, exchanging in this replica only (${(err as Error).message})`);
      return exchange();
    }
  }

  private async flight(refreshToken: string, exchange: () => Promise<RefreshOutcome>, onClaim: () => void): Promise<RefreshOutcome> {
    const key = `${this.prefix}:{sf}:r:${digest('id', refreshToken)}`;
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if ((await this.redis.set(key, PENDING, 'PX', CLAIM_MS, 'NX')) === 'OK') {
        // From here the token is being spent: an error must not lead to a second exchange.
        onClaim();
        const outcome = await exchange();
        // A failed attempt says nothing about the token: release it so the next request may try again. A lost
        // write is logged, not thrown: the exchange succeeded and its pair is this request's.
        const kept = outcome.kind === 'unavailable' ? this.redis.del(key) : this.redis.set(key, seal(refreshToken, outcome), 'PX', KEEP_MS);
        await kept.catch((err: Error) => console.warn(`[storefront] refresh single flight: outcome not shared (${err.message})`));
        return outcome;
      }
      const held = await this.redis.get(key);
      if (held && held !== PENDING) return open(refreshToken, held);
      // Still pending elsewhere, or released (that replica could not reach the BFF): wait, then claim or read.
      if (Date.now() >= deadline) return { kind: 'unavailable', message: 'another replica is still refreshing this session' };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async close() {
    await this.redis.quit();
  }
}

function digest(purpose: string, token: string) {
  return createHash('sha256').update(`${purpose}:${token}`).digest();
}

function seal(token: string, outcome: RefreshOutcome): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', digest('key', token), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(outcome), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

function open(token: string, sealed: string): RefreshOutcome {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', digest('key', token), iv!);
  decipher.setAuthTag(tag!);
  return JSON.parse(Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8')) as RefreshOutcome;
}
