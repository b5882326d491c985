import { eq } from 'drizzle-orm';
import type { CustomersDb } from '../context.ts';
import { accountPolicies } from '../db/tables.ts';

/**
 * Which account realm each channel signs people into. A channel without a policy is isolated: its realm is
 * its own code. Read-mostly (staff change it rarely), so answers are kept for 30 s per process.
 */
export class RealmDirectory {
  private cache = new Map<string, { realm: Promise<string>; at: number }>();

  constructor(private readonly db: () => CustomersDb) {}

  async realmOf(channel: string): Promise<string> {
    const hit = this.cache.get(channel);
    if (hit && Date.now() - hit.at < 30_000) return hit.realm;
    // The promise is kept, so requests arriving together on a cold entry share one query.
    const realm = this.db()
      .db.select({ realm: accountPolicies.realm })
      .from(accountPolicies)
      .where(eq(accountPolicies.channel, channel))
      .then(([row]) => row?.realm ?? channel);
    this.cache.set(channel, { realm, at: Date.now() });
    realm.catch(() => this.cache.delete(channel));
    return realm;
  }

  /** Realms a staff member's channels reach; null for `*` (every realm). */
  async realmsOf(channels: readonly string[]): Promise<string[] | null> {
    if (channels.includes('*')) return null;
    return [...new Set(await Promise.all(channels.map((c) => this.realmOf(c))))];
  }

  forget(channel: string) {
    this.cache.delete(channel);
  }
}
