/**
 * The building blocks of the event catalogue's JSON Schemas (draft 2020-12), shared by every source's part of it.
 */
export type JsonSchema = Record<string, unknown>;

/** One catalogue entry: the subgraph that writes the type, what it means, and the schema of its `data`. */
export interface EventEntry {
  source: string;
  description: string;
  data: JsonSchema;
}

export const id = { type: 'string', minLength: 1 } as const;
export const nullableId = { type: ['string', 'null'] } as const;
export const money = {
  type: 'object',
  required: ['amount', 'currency'],
  additionalProperties: false,
  properties: { amount: { type: 'integer' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
} as const;

export function object(required: string[], properties: Record<string, unknown>): JsonSchema {
  return { type: 'object', required, properties };
}
