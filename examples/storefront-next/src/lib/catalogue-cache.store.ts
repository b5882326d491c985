/** One cached anonymous catalogue answer, tagged with every id it holds. */
export interface CacheEntry {
  body: string;
  status: number;
  contentType: string;
  expiresAt: number;
  tags: string[];
}

/**
 * After a change drops an id, answers holding it are served but not kept for this long. The webhook and the
 * BFF's own cache drop race (outbox relay vs. the change stream, both well under a second): if the webhook
 * wins, the BFF may still hand out its old copy for a moment, and keeping that would show the old price for
 * a whole max-age. The same rule keeps out an answer that was already on its way when the change landed.
 */
export const SETTLE_MS = 10_000;
/** A drop is remembered this long: an answer takes seconds at most, so none in flight can predate it then. */
export const DROP_MEMORY_MS = SETTLE_MS + 60_000;

/**
 * Where the catalogue cache keeps its answers: this process's memory, or Redis shared by every storefront
 * replica (REDIS_URL), so one replica's render serves the others and one webhook drops an answer for all.
 */
export interface CatalogueStore {
  get(key: string, now: number): Promise<CacheEntry | undefined>;
  /** Keeps the entry unless a change dropped one of its tags after `startedAt - SETTLE_MS` (it may predate it). */
  put(key: string, entry: CacheEntry, startedAt: number): Promise<void>;
  /** Drops every answer holding one of these ids and remembers the drop; returns how many were dropped. */
  drop(tags: string[], now: number): Promise<number>;
}
