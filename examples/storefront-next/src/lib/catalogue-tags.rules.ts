/**
 * Which cached catalogue answers a change concerns. An answer is tagged with every id it holds (products,
 * variants, and whatever else names an `id`), so a page need not declare what it shows: a listing, a search
 * and a product page that contain variant X are all dropped when X's price changes.
 */
export function answerTags(answer: unknown): string[] {
  const tags = new Set<string>();
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const item of value) walk(item);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'id' && typeof inner === 'string') tags.add(inner);
        else walk(inner);
      }
    }
  };
  walk(answer);
  return [...tags];
}

/** The events that change what a catalogue page shows, and the ids each names (schema/src/events/event-catalogue.ts). */
export const REVALIDATING_EVENTS = ['price.changed', 'product.updated'] as const;

type Envelope = { type?: unknown; data?: Record<string, unknown> | null };

/** The tags an event drops: the variant whose price changed, or the product (and variant) staff changed. */
export function eventTags(envelope: Envelope): string[] {
  const data = envelope.data ?? {};
  const ids = (...keys: string[]) => keys.map((k) => data[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
  if (envelope.type === 'price.changed') return ids('variantId');
  if (envelope.type === 'product.updated') return ids('productId', 'variantId');
  return [];
}
