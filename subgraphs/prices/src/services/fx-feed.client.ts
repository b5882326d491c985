import { parseDecimalRate } from '../money/fx.math.ts';

export interface FeedRates {
  base: string;
  effectiveFrom: Date | null;
  rates: { quote: string; ratePpb: bigint }[];
}

/**
 * Rewrites every bare JSON number into a string before parsing, so a rate like 161.2345 is read as the
 * decimal text the feed sent and never passes through a binary float.
 */
export function quoteJsonNumbers(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i;
      while (j < text.length && /[-+0-9.eE]/.test(text[j]!)) j++;
      out += `"${text.slice(i, j)}"`;
      i = j - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * Reads an FX feed of the common shape `{ "base": "EUR", "timestamp": "2025-01-01T00:00:00Z",
 * "rates": { "USD": 1.0842, "JPY": "161.5" } }`. Throws with a message fit for staff on anything else.
 */
export async function fetchFeedRates(url: string, fetchImpl: typeof fetch = fetch): Promise<FeedRates> {
  const res = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`feed answered HTTP ${res.status}`);
  let body: { base?: unknown; timestamp?: unknown; rates?: unknown };
  try {
    body = JSON.parse(quoteJsonNumbers(await res.text()));
  } catch {
    throw new Error('feed did not return JSON');
  }
  if (typeof body.base !== 'string' || !/^[A-Z]{3}$/.test(body.base)) throw new Error('feed has no ISO base currency');
  if (!body.rates || typeof body.rates !== 'object') throw new Error('feed has no rates');
  let effectiveFrom: Date | null = null;
  if (body.timestamp !== undefined) {
    effectiveFrom = new Date(String(body.timestamp));
    if (Number.isNaN(effectiveFrom.getTime())) throw new Error('feed timestamp is not a date');
  }
  const rates = Object.entries(body.rates as Record<string, unknown>).map(([quote, value]) => {
    const ratePpb = typeof value === 'string' ? parseDecimalRate(value) : null;
    if (!/^[A-Z]{3}$/.test(quote) || ratePpb === null) throw new Error(`feed rate ${quote}=${String(value)} is not a positive decimal`);
    return { quote, ratePpb };
  });
  return { base: body.base, effectiveFrom, rates: rates.filter((r) => r.quote !== body.base) };
}
