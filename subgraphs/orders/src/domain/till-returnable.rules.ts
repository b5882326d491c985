/** Adds the units earlier till returns (not voided) took back, per order line. */
export function addTillReturned(returnedBefore: Map<number, number>, earlier: { lines: { lineNo: number; quantity: number }[] }[]): void {
  for (const r of earlier) for (const l of r.lines) returnedBefore.set(l.lineNo, (returnedBefore.get(l.lineNo) ?? 0) + l.quantity);
}

/**
 * The first asked line the order does not have, or asks more units back than are left after earlier returns;
 * null when every line can be returned. One rule for receipted and online orders at the till.
 */
export function firstUnreturnable(
  lines: { lineNo: number; quantity: number }[],
  returnedBefore: ReadonlyMap<number, number>,
  asked: { lineNo: number; quantity: number }[],
  what: string,
): { reason: 'UNKNOWN_LINE' | 'EXCEEDS_REMAINING'; message: string; lineNo: number } | null {
  const byNo = new Map(lines.map((l) => [l.lineNo, l]));
  for (const l of asked) {
    const line = byNo.get(l.lineNo);
    if (!line) return { reason: 'UNKNOWN_LINE', message: `${what} has no line ${l.lineNo}`, lineNo: l.lineNo };
    const left = line.quantity - (returnedBefore.get(l.lineNo) ?? 0);
    if (l.quantity > left) return { reason: 'EXCEEDS_REMAINING', message: `line ${l.lineNo}: ${left} of ${line.quantity} left to return`, lineNo: l.lineNo };
  }
  return null;
}
