/**
 * The event catalogue: every type a subgraph writes today, with the JSON Schema (draft 2020-12) of its
 * `data`. A receiver can validate a webhook body's `data` against `EVENT_CATALOGUE[type].data`.
 */
type JsonSchema = Record<string, unknown>;

const id = { type: 'string', minLength: 1 } as const;
const nullableId = { type: ['string', 'null'] } as const;
const money = {
  type: 'object',
  required: ['amount', 'currency'],
  additionalProperties: false,
  properties: { amount: { type: 'integer' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
} as const;
const orderStatus = {
  enum: ['PLACED', 'PROCESSING', 'PARTIALLY_FULFILLED', 'FULFILLED', 'COMPLETED', 'CANCELLED', 'PARTIALLY_RETURNED', 'RETURNED'],
} as const;

function object(required: string[], properties: Record<string, unknown>): JsonSchema {
  return { type: 'object', required, properties };
}

const accountToken = object(['customerId', 'email', 'tokenId', 'expiresAt'], {
  customerId: id,
  email: { type: 'string' },
  name: { type: ['string', 'null'] },
  tokenId: {
    type: 'string',
    format: 'uuid',
    description: 'names the single-use token; the mailer reads its secret from customers.mail_secrets (no event carries it)',
  },
  expiresAt: { type: 'string', format: 'date-time' },
  reason: { type: ['string', 'null'] },
});

export const EVENT_CATALOGUE = {
  'order.placed': {
    source: 'orders',
    description: 'A checkout created an order (same transaction as the order).',
    data: object(['orderId', 'number', 'channel', 'total', 'lines'], {
      orderId: id,
      number: { type: 'string' },
      channel: id,
      customerId: nullableId,
      companyId: nullableId,
      total: money,
      purchaseOrder: {
        description: "a trade order's PO number and cost centre (either may be null); null when it has neither",
        oneOf: [{ type: 'null' }, object(['number', 'costCentre'], { number: { type: ['string', 'null'] }, costCentre: { type: ['string', 'null'] } })],
      },
      lines: {
        type: 'array',
        minItems: 1,
        items: object(['variantId', 'sku', 'quantity'], { variantId: id, sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } }),
      },
    }),
  },
  'order.status_changed': {
    source: 'orders',
    description: 'Staff moved an order along its life cycle, or its shipments did (not to CANCELLED: that is order.cancelled).',
    data: object(['orderId', 'number', 'from', 'to'], { orderId: id, number: { type: 'string' }, from: orderStatus, to: orderStatus }),
  },
  'order.cancelled': {
    source: 'orders',
    description: 'The customer or staff cancelled an order; the payment is voided and sold units restocked after.',
    data: object(['orderId', 'number', 'channel', 'reason', 'from'], {
      orderId: id,
      number: { type: 'string' },
      channel: id,
      reason: { type: 'string' },
      from: orderStatus,
    }),
  },
  'approval.requested': {
    source: 'orders',
    description:
      "A trade order went to approval (above the buyer's per-order limit or monthly budget): nothing charged, its stock held until expiresAt. aggregateId is the approval's id.",
    data: object(['approvalId', 'companyId', 'requestedBy', 'total', 'reasons', 'level', 'expiresAt'], {
      approvalId: id,
      companyId: id,
      requestedBy: id,
      total: money,
      reasons: { type: 'array', minItems: 1, items: { enum: ['ORDER_LIMIT', 'MONTHLY_BUDGET', 'CREDIT_LIMIT'] } },
      level: { enum: ['APPROVER', 'ADMIN'] },
      expiresAt: { type: 'string', format: 'date-time' },
      reservationId: { type: 'string' },
    }),
  },
  'approval.decided': {
    source: 'orders',
    description: 'An approver approved or rejected a pending approval, or it expired (decidedBy null); same transaction as the decision.',
    data: object(['approvalId', 'companyId', 'status', 'total'], {
      approvalId: id,
      companyId: id,
      requestedBy: id,
      status: { enum: ['APPROVED', 'REJECTED', 'EXPIRED'] },
      decidedBy: nullableId,
      reason: { type: ['string', 'null'] },
      total: money,
    }),
  },
  'quote.requested': {
    source: 'orders',
    description: "A trade buyer asked for prices on a cart's lines (same statement as the quote). aggregateId is the quote's id.",
    data: object(['quoteId', 'companyId', 'requestedBy', 'cartId', 'lines'], {
      quoteId: id,
      companyId: id,
      requestedBy: id,
      cartId: id,
      lines: { type: 'array', minItems: 1, items: object(['variantId', 'quantity'], { variantId: id, quantity: { type: 'integer', minimum: 1 } }) },
    }),
  },
  'quote.proposed': {
    source: 'orders',
    description: 'Staff priced every line of a quote, orderable until expiresAt (same statement as the proposal; aggregate: the quote, at its version).',
    data: object(['quoteId', 'companyId', 'expiresAt', 'lines'], {
      quoteId: id,
      companyId: id,
      expiresAt: { type: 'string', format: 'date-time' },
      lines: {
        type: 'array',
        minItems: 1,
        items: object(['variantId', 'quantity', 'unitPrice'], { variantId: id, quantity: { type: 'integer', minimum: 1 }, unitPrice: money }),
      },
    }),
  },
  'quote.rejected': {
    source: 'orders',
    description: 'Staff declined a quote, with their reason; it can never be ordered (same statement as the decision).',
    data: object(['quoteId', 'companyId', 'reason'], { quoteId: id, companyId: id, reason: { type: 'string', minLength: 1 } }),
  },
  'shipment.shipped': {
    source: 'orders',
    description: "Staff shipped one of an order's shipments from its location (same transaction as the shipment; aggregate: the order, at its version then).",
    data: object(['shipmentId', 'orderId', 'number', 'locationId', 'carrier', 'trackingNumber', 'lines'], {
      shipmentId: id,
      orderId: id,
      number: { type: 'string' },
      locationId: id,
      carrier: { type: 'string', minLength: 1 },
      trackingNumber: { type: 'string', minLength: 1 },
      lines: {
        type: 'array',
        minItems: 1,
        items: object(['variantId', 'quantity'], { variantId: id, quantity: { type: 'integer', minimum: 1 } }),
      },
    }),
  },
  'shipment.ready_for_pickup': {
    source: 'orders',
    description:
      'A click & collect shipment is packed and waiting at its shop: the collection code the customer shows at hand-over (for the notification mailer).',
    data: object(['shipmentId', 'orderId', 'number', 'locationId', 'collectionCode', 'lines'], {
      shipmentId: id,
      orderId: id,
      number: { type: 'string' },
      locationId: id,
      collectionCode: { type: 'string', pattern: '^[0-9]{6}$' },
      lines: {
        type: 'array',
        minItems: 1,
        items: object(['variantId', 'quantity'], { variantId: id, quantity: { type: 'integer', minimum: 1 } }),
      },
    }),
  },
  'return.received': {
    source: 'orders',
    description:
      "Staff received a return's goods: where each line went (restocked or written off at a location) and the refund booked for it (same transaction; aggregate: the order).",
    data: object(['returnId', 'orderId', 'number', 'lines', 'refund'], {
      returnId: id,
      orderId: id,
      number: { type: 'string' },
      lines: {
        type: 'array',
        minItems: 1,
        items: object(['lineNo', 'variantId', 'quantity', 'reason', 'disposition', 'locationId'], {
          lineNo: { type: 'integer', minimum: 1 },
          variantId: id,
          quantity: { type: 'integer', minimum: 1 },
          reason: { enum: ['DAMAGED', 'WRONG_ITEM', 'NOT_AS_DESCRIBED', 'SIZE_OR_FIT', 'NO_LONGER_NEEDED', 'OTHER'] },
          disposition: { enum: ['RESTOCK', 'WRITE_OFF'] },
          locationId: id,
        }),
      },
      refund: object(['refundId', 'amount'], { refundId: id, amount: money }),
    }),
  },
  'refund.issued': {
    source: 'orders',
    description:
      'The payment provider paid a refund back (or there was nothing to pay after the restocking fee); written once per refund, with the refund marked REFUNDED (aggregate: the order).',
    data: object(['refundId', 'returnId', 'orderId', 'number', 'amount', 'refundedAt'], {
      refundId: id,
      returnId: id,
      orderId: id,
      number: { type: 'string' },
      amount: money,
      refundedAt: { type: 'string', format: 'date-time' },
    }),
  },
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
  'customer.created': {
    source: 'customers',
    description: 'An account was created (sign-up, first sign-in through an identity provider, company invitation).',
    data: object(['customerId', 'realm', 'email'], {
      customerId: id,
      realm: { type: 'string' },
      email: { type: 'string' },
      name: { type: ['string', 'null'] },
      companyId: id,
      role: { type: 'string' },
      identityProvider: { type: 'string' },
    }),
  },
  'customer.email_verification_requested': {
    source: 'customers',
    description: 'A verification link is to be mailed.',
    data: accountToken,
  },
  'customer.password_reset_requested': {
    source: 'customers',
    description: 'A reset (or invitation) link is to be mailed.',
    data: accountToken,
  },
  'customer.password_changed': {
    source: 'customers',
    description: 'The password was changed with a reset token; every session was ended.',
    data: object(['customerId', 'email'], { customerId: id, email: { type: 'string' } }),
  },
  'customer.erased': {
    source: 'customers',
    description: 'The account was erased on request; receivers delete what they hold about it.',
    data: object(['customerId'], { customerId: id }),
  },
} as const satisfies Record<string, { source: string; description: string; data: JsonSchema }>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}

/** The JSON Schema of a whole webhook body (the envelope) of one type. */
export function envelopeSchema(type: EventType): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://storegraph.dev/events/${type}.json`,
    title: type,
    description: EVENT_CATALOGUE[type].description,
    type: 'object',
    required: ['id', 'type', 'timestamp', 'source', 'channels', 'aggregateId', 'aggregateVersion', 'data'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid' },
      type: { const: type },
      timestamp: { type: 'string', format: 'date-time' },
      source: { const: EVENT_CATALOGUE[type].source },
      channels: { type: 'array', items: { type: 'string' } },
      aggregateId: { type: 'string' },
      aggregateVersion: { type: 'integer', minimum: 1 },
      data: EVENT_CATALOGUE[type].data,
    },
  };
}
