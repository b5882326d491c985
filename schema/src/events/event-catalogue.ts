/**
 * The event catalogue: every type a subgraph writes today, with the JSON Schema (draft 2020-12) of its
 * `data`. A receiver can validate a webhook body's `data` against `EVENT_CATALOGUE[type].data`.
 */
import { CATALOG_EVENTS } from './catalog-events.catalogue.ts';
import { CUSTOMER_EVENTS } from './customer-events.catalogue.ts';
import type { JsonSchema } from './event-schema-parts.ts';
import { ORDER_EVENTS } from './order-events.catalogue.ts';

/** In the order receivers have always read it: orders, stock, products, prices, customers. */
export const EVENT_CATALOGUE = { ...ORDER_EVENTS, ...CATALOG_EVENTS, ...CUSTOMER_EVENTS } as const;

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
