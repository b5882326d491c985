import type { ChangeStreamClient } from '@storegraph/kit';

/** Beyond this many remembered (channel, variant) pairs the cache starts again from empty. */
const MAX_ENTRIES = 200_000;

/**
 * Which variants each channel sells, as the catalogue last said, so a reservation does not ask the
 * products subgraph again for the same lines (that hop halved storefront reservation throughput). Kept
 * only while the catalogue's change stream is up, and dropped whole on any catalogue change: the change
 * feed is the pipe caches follow, so a product hidden by staff is refused from the next reservation on.
 * Only "sold" answers are kept, and only answers given to customers and tills (staff may see drafts).
 */
export class SoldInChannelCache {
  private readonly sold = new Map<string, Set<string>>();
  private entries = 0;
  private live = false;

  constructor(changes: ChangeStreamClient) {
    changes.on('up', () => {
      this.clear();
      this.live = true;
    });
    changes.on('down', () => {
      this.live = false;
      this.clear();
    });
    changes.on('change', () => this.clear());
  }

  /** The ids the cache cannot vouch for (all of them while the change stream is down). */
  unknown(channel: string, variantIds: string[]): string[] {
    const known = this.live ? this.sold.get(channel) : undefined;
    return known ? variantIds.filter((id) => !known.has(id)) : variantIds;
  }

  remember(channel: string, variantIds: string[]): void {
    if (!this.live) return;
    if (this.entries + variantIds.length > MAX_ENTRIES) this.clear();
    let known = this.sold.get(channel);
    if (!known) {
      known = new Set();
      this.sold.set(channel, known);
    }
    for (const id of variantIds)
      if (!known.has(id)) {
        known.add(id);
        this.entries += 1;
      }
  }

  private clear(): void {
    this.sold.clear();
    this.entries = 0;
  }
}
