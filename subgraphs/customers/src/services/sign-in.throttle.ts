import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  /** Failed sign-ins per account (realm + email, known or not) before it is blocked for the window. */
  perAccount: number;
  /** Failed sign-ins per client address before it is blocked for the window. */
  perIp: number;
  windowSeconds: number;
}

/**
 * Slows down password guessing: only failures count, per email (whether or not it has an account, so the
 * throttle itself tells nothing) and per client address. Counters live in this process (rate-limiter-flexible's
 * memory store): with N replicas an attacker gets N times the budget per window, still far below what guessing
 * needs; the BFFs' own per-IP limits sit in front of it.
 */
export class SignInThrottle {
  private readonly account: RateLimiterMemory;
  private readonly ip: RateLimiterMemory;

  constructor(private readonly limits: ThrottleLimits) {
    this.account = new RateLimiterMemory({ points: limits.perAccount, duration: limits.windowSeconds, blockDuration: limits.windowSeconds });
    this.ip = new RateLimiterMemory({ points: limits.perIp, duration: limits.windowSeconds, blockDuration: limits.windowSeconds });
  }

  /** Seconds until this email or address may try again (0 when it may now). */
  async waitSeconds(accountKey: string, ip: string | undefined): Promise<number> {
    const [a, i] = await Promise.all([this.account.get(accountKey), ip ? this.ip.get(ip) : null]);
    const wait = (r: RateLimiterRes | null, points: number) => (r && r.consumedPoints >= points ? Math.ceil(r.msBeforeNext / 1000) : 0);
    return Math.max(wait(a, this.limits.perAccount), wait(i, this.limits.perIp));
  }

  async failed(accountKey: string, ip: string | undefined): Promise<void> {
    // consume rejects once the budget is spent: that rejection is the block being recorded, not an error.
    await Promise.all([this.account.consume(accountKey).catch(() => {}), ip ? this.ip.consume(ip).catch(() => {}) : null]);
  }

  async succeeded(accountKey: string): Promise<void> {
    await this.account.delete(accountKey);
  }
}
