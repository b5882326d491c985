import { createHash } from 'node:crypto';
import { tables as productTables } from '@storegraph/products';
import { CHANNELS } from './demo-catalog.ts';
import type { SeedDb } from './seed-util.ts';

/**
 * One publishable key per demo storefront channel, derived from the channel's code so every demo
 * database, test run and README example has the same ones (public by design; a real deployment issues
 * random keys with issuePublishableKey).
 */
export const DEMO_PUBLISHABLE_KEYS: Readonly<Record<string, string>> = Object.fromEntries(
  CHANNELS.filter((c) => c.kind === 'B2C').map((c) => [
    c.code,
    `pk_${createHash('sha256').update(`storegraph-demo-publishable-key:${c.code}`).digest('hex').slice(0, 32)}`,
  ]),
);

/** Idempotent: also run on a database seeded before keys existed, so `npm start` can always print them. */
export async function seedPublishableKeys(db: SeedDb) {
  const rows = Object.entries(DEMO_PUBLISHABLE_KEYS).map(([channel, token]) => ({ token, channel }));
  await db.insert(productTables.publishableKeys).values(rows).onConflictDoNothing();
}
