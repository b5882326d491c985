export interface CharmRounding {
  /** The minor-unit ending prices snap to, e.g. 99. */
  ending: number;
  /** The modulus the ending applies to, e.g. 100 (x.99 in EUR) or 1000 (¥x,980 with ending 980). */
  step: number;
}

/**
 * Rounds a converted price up to the next amount ending in `ending` (mod `step`). Up, never down: a
 * conversion rounded for looks must not undercut the price the rate gives.
 */
export function charmRound(amount: bigint, rule: CharmRounding | null): bigint {
  if (!rule) return amount;
  const step = BigInt(rule.step);
  const ending = BigInt(rule.ending);
  const rest = ((amount % step) + step) % step;
  return rest <= ending ? amount - rest + ending : amount - rest + step + ending;
}
