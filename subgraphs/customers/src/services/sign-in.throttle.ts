import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  /** Failed sign-ins per account (realm + email, known or not) before it is blocked for the window. */
  perAccount: number;
  /** Failed sign-ins per client address before it is blocked for the window. */
  perIp: number;
  windowSeconds: number;
}

/**
 * Slows down password guessing: every attempt counts until it succeeds, per email (whether or not it has an account, so the
 * throttle itself tells nothing) and per client address. Counters live in this process (rate-limiter-flexible's
 * memory store): with N replicas an attacker gets N times the budget per window, still far below what guessing
 * needs; the BFFs' own per-IP limits sit in front of it.
 */
export class SignInThrottle {
  private readonly account: RateLimiterMemory;
  private readonly ip: RateLimiterMemory;

  constructor(limits: ThrottleLimits) {
    this.account = new RateLimiterMemory({ points: limits.perAccount, duration: limits.windowSeconds, blockDuration: limits.windowSeconds });
    this.ip = new RateLimiterMemory({ points: limits.perIp, duration: limits.windowSeconds, blockDuration: limits.windowSeconds });
  }

  /**
   * Takes one attempt from both budgets before the password is checked, so a thousand guesses sent at once
   * cannot all pass a check made before any of them failed. Answers the seconds to wait (0: go ahead).
   */
  async attempt(accountKey: string, ip: string | undefined): Promise<number> {
    const take = async (limiter: RateLimiterMemory, key: string) => {
      try {
        await limiter.consume(key);
        return 0;
      } catch (refused) {
        // consume rejects with the limiter's answer once the budget is spent: that is the block, not an error.
        if (refused instanceof Error) throw refused;
        return Math.max(1, Math.ceil((refused as RateLimiterRes).msBeforeNext / 1000));
      }
    };
    const [a, i] = await Promise.all([take(this.account, accountKey), ip ? take(this.ip, ip) : 0]);
    return Math.max(a, i);
  }

  /** A good password clears the email's count and gives the address its attempt back: only failures are counted. */
  async succeeded(accountKey: string, ip: string | undefined): Promise<void> {
    await Promise.all([this.account.delete(accountKey), ip ? this.ip.reward(ip, 1) : null]);
  }
}
