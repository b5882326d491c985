/**
 * The storefront's markets: the first path segment (/eu-de/..., /us-en/...) picks the sales channel, whose
 * publishable key the BFF reads the channel from, and the locale the BFF answers in (Accept-Language).
 * Currency and tax display come from the channel itself (CurrentChannel), never from this table.
 */
export interface Market {
  slug: string;
  channel: string;
  locale: string;
  label: string;
}

export const MARKETS: readonly Market[] = [
  { slug: 'eu-de', channel: 'web-eu', locale: 'de-DE', label: 'Deutschland' },
  { slug: 'us-en', channel: 'web-us', locale: 'en-US', label: 'United States' },
];

export function marketOf(slug: string): Market | undefined {
  return MARKETS.find((m) => m.slug === slug);
}

/**
 * The market a request path belongs to: its pages (`/eu-de/...`) and its route handlers (`/api/eu-de/...`);
 * undefined for anything else (`/`, `/api/session/...`), which reads no market's session. A query or fragment is
 * not part of the path: `/eu-de?q=boots` is the eu-de listing (read as no market, the session route once sent a
 * shopper whose session had ended straight back to the page, which sent them to the route again: a loop).
 */
export function marketOfPath(path: string): Market | undefined {
  const pathname = path.split(/[?#]/, 1)[0] ?? '';
  const [first = '', second = ''] = pathname.split('/').slice(1);
  return marketOf(first === 'api' ? second : first);
}
