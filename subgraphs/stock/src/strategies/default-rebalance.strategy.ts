import type { ChannelDemand, RebalanceStrategy } from './rebalance.strategy.ts';

const byCode = (a: ChannelDemand, b: ChannelDemand) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0);

/**
 * Shares in proportion to recent demand, by largest remainder (Hamilton): each channel gets the floor
 * of its exact share, the units left go one each to the largest fractional parts, ties to the channel
 * with more demand, then by channel code. With no demand at all nothing moves: a quiet week is no reason
 * to take a channel's fence away.
 */
export const defaultRebalance: RebalanceStrategy = {
  split(total, channels) {
    const sorted = [...channels].sort(byCode);
    const demand = sorted.reduce((s, c) => s + Math.max(0, c.demand), 0);
    const out = new Map<string, number>();
    if (demand === 0) {
      const current = sorted.reduce((s, c) => s + c.current, 0);
      if (current === total) {
        for (const c of sorted) out.set(c.channel, c.current);
        return out;
      }
      // The total changed under an idle set of channels: share it evenly, extra units by code.
      for (const [i, c] of sorted.entries()) out.set(c.channel, Math.floor(total / sorted.length) + (i < total % sorted.length ? 1 : 0));
      return out;
    }
    const shares = sorted.map((c) => {
      const exact = (total * Math.max(0, c.demand)) / demand;
      return { c, base: Math.floor(exact), fraction: exact - Math.floor(exact) };
    });
    let left = total - shares.reduce((s, x) => s + x.base, 0);
    const order = [...shares].sort((a, b) => b.fraction - a.fraction || b.c.demand - a.c.demand || byCode(a.c, b.c));
    for (const s of order) {
      if (left === 0) break;
      s.base += 1;
      left -= 1;
    }
    for (const s of shares) out.set(s.c.channel, s.base);
    return out;
  },
};
