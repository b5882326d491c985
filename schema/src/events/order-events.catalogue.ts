/** The events the orders subgraph writes (orders, approvals, quotes, shipments, returns, refunds). */
import { type EventEntry, id, money, nullableId, object } from './event-schema-parts.ts';

const orderStatus = {
  enum: ['PLACED', 'PROCESSING', 'PARTIALLY_FULFILLED', 'FULFILLED', 'COMPLETED', 'CANCELLED', 'PARTIALLY_RETURNED', 'RETURNED'],
} as const;

export const ORDER_EVENTS = {
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
} as const satisfies Record<string, EventEntry>;
