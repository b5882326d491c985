import { Algorithm, hash, verify } from '@node-rs/argon2';
import { appError } from '@storegraph/schema';

/**
 * argon2id at OWASP's minimum (19 MiB, 2 iterations, 1 lane): about 25 ms a hash on one core here.
 * The work runs on libuv's thread pool, never the event loop, and at most `concurrency` hashes run at once;
 * the rest wait their turn, so a sign-in storm queues up instead of taking every core (and with them the
 * catalogue reads served from the same machine).
 */
export const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const MAX_WAITING = 200;

export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** A hash of a random password: unknown emails are verified against it, so they take as long as a wrong password. */
  private decoy: Promise<string>;

  constructor(private readonly concurrency: number) {
    this.decoy = hash(crypto.randomUUID(), ARGON2_OPTIONS);
  }

  hash(password: string): Promise<string> {
    return this.bounded(() => hash(password, ARGON2_OPTIONS));
  }

  /** True when the password matches; an account without a hash (or none at all) costs one decoy verification. */
  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    const target = stored ?? (await this.decoy);
    const ok = await this.bounded(() => verify(target, password).catch(() => false));
    return ok && stored != null;
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    // 200 waiting is ~5 s of hashing on one core: past that a caller is told to come back, not queued for longer.
    if (this.waiting.length >= MAX_WAITING) throw appError('SERVICE_UNAVAILABLE', 'too many sign-ins at once; try again shortly', { service: 'customers' });
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
