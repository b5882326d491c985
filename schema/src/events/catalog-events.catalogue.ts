/** The events of what a shop sells: stock levels (stock), products (products) and prices (prices). */
import { type EventEntry, id, money, nullableId, object } from './event-schema-parts.ts';

export const CATALOG_EVENTS = {
  'stock.changed': {
    source: 'stock',
    description: 'One ledger movement of a variant at a location (receipt, sale, reservation, count, transfer).',
    data: object(['movementId', 'kind', 'variantId', 'deltaOnHand', 'deltaReserved'], {
      movementId: { type: 'integer' },
      kind: { type: 'string' },
      variantId: id,
      locationId: nullableId,
      deltaOnHand: { type: 'integer' },
      deltaReserved: { type: 'integer' },
      reason: { type: ['string', 'null'] },
      reference: { type: ['string', 'null'] },
      actor: { type: 'string' },
      channel: nullableId,
      reservationId: nullableId,
      createdAt: { type: 'string' },
    }),
  },
  'stock.low': {
    source: 'stock',
    description:
      "A stock change took a variant's available units in a channel from at or above its threshold to below it (once per crossing; aggregate `variantId@channel`).",
    data: object(['variantId', 'channel', 'threshold', 'available', 'movementId'], {
      variantId: id,
      channel: id,
      threshold: { type: 'integer', minimum: 1 },
      available: { type: 'integer', description: 'units the channel can reserve after the change' },
      movementId: { type: 'integer', description: 'a ledger movement of the transaction that crossed the threshold' },
    }),
  },
  'product.updated': {
    source: 'products',
    description:
      'Staff changed a product, its variants, translations, media or channel visibility. `channels` (envelope) is every channel it was visible in before or after.',
    data: object(['productId', 'change', 'variantId', 'status', 'productVersion', 'channelsBefore', 'channelsAfter'], {
      productId: id,
      change: { enum: ['CREATED', 'UPDATED', 'TRANSLATIONS', 'MEDIA', 'VARIANT_CREATED', 'VARIANT_UPDATED', 'CHANNEL', 'CHANNEL_RULE', 'BULK_IMPORT'] },
      variantId: nullableId,
      status: { enum: ['DRAFT', 'ACTIVE', 'ARCHIVED'] },
      productVersion: { type: 'integer', minimum: 1 },
      channelsBefore: { type: 'array', items: { type: 'string' } },
      channelsAfter: { type: 'array', items: { type: 'string' } },
    }),
  },
  'price.changed': {
    source: 'prices',
    description:
      "A price entry was created, changed (amount) or removed in a book. The envelope's channel is the book's; a book of no one channel (BASE) names none.",
    data: object(['variantId', 'bookId', 'minQuantity', 'validFrom', 'before', 'after'], {
      variantId: id,
      bookId: id,
      minQuantity: { type: 'integer', minimum: 1 },
      validFrom: { type: ['string', 'null'], description: 'the entry starts then (null: always)' },
      before: { oneOf: [{ type: 'null' }, money], description: 'null: the entry was created' },
      after: { oneOf: [{ type: 'null' }, money], description: 'null: the entry was removed' },
    }),
  },
} as const satisfies Record<string, EventEntry>;
