/** Recent demand of one channel for a variant, and the fence it holds now at one location. */
export interface ChannelDemand {
  channel: string;
  /** Units the channel reserved for the variant within the window. */
  demand: number;
  /** Units currently ring-fenced for the channel at the location. */
  current: number;
}

/**
 * A variation point: how DYNAMIC channels share the units fenced for them at a location. `split`
 * must return a non-negative integer per channel, summing to `total`, and be deterministic.
 */
export interface RebalanceStrategy {
  split(total: number, channels: readonly ChannelDemand[]): Map<string, number>;
}
