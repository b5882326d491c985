import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { ChannelContext } from '@storegraph/schema';

/**
 * Set by the gateway on a subgraph fetch that belongs to a client query (never to a mutation's follow-up
 * reads): that fetch may be answered from a read replica. Unsigned on purpose: it can only move a read from
 * the primary to a copy of the same data, never grant anything; a subgraph still decides for itself.
 */
export const READ_FROM_HEADER = 'x-storegraph-read-from';

/** Which root fields of a subgraph may be served by its read replica (catalog, price and availability reads). */
export interface ReplicaReads {
  rootFields: readonly string[];
}

/** Storefront front doors: their anonymous and customer reads are the ones worth moving off the primary. */
const STOREFRONT_ISSUERS = new Set(['bff-b2c', 'bff-b2b', 'bff-pos']);

/** A document's root fields when it is a single query whose every root field is a plain field; else null. */
function queryRootFields(query: string, operationName: string | undefined): string[] | null {
  let operation: OperationDefinitionNode | undefined;
  try {
    const ops = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    operation = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  } catch {
    return null;
  }
  if (operation?.operation !== 'query') return null;
  const fields: string[] = [];
  for (const s of operation.selectionSet.selections) {
    // A fragment at the root could hide any field: the primary answers it (the gateway never sends one).
    if (s.kind !== Kind.FIELD) return null;
    fields.push(s.name.value);
  }
  return fields;
}

/**
 * Decides, per request, whether a subgraph may read from its replica: only when the gateway says the client
 * asked a query, the caller is a storefront BFF acting for a shopper (staff read what they just wrote, the
 * checkout and other services call subgraphs directly and read their own writes) and every root field is one
 * the subgraph lists. The gateway sends the same few documents again and again, so answers are remembered
 * per document (at most 1,000).
 */
export class ReadRouter {
  private readonly allowed: Set<string>;
  private readonly verdicts = new Map<string, boolean>();

  constructor(reads: ReplicaReads) {
    this.allowed = new Set([...reads.rootFields, '__typename']);
  }

  replicaMay(header: string | string[] | undefined, issuer: string, channel: ChannelContext, body: unknown): boolean {
    if (header !== 'replica' || !STOREFRONT_ISSUERS.has(issuer) || channel.staff) return false;
    const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
    if (typeof query !== 'string') return false;
    const name = typeof operationName === 'string' ? operationName : undefined;
    const key = `${name ?? ''}\n${query}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const fields = queryRootFields(query, name);
    const verdict = fields !== null && fields.length > 0 && fields.every((f) => this.allowed.has(f));
    if (this.verdicts.size >= 1_000) this.verdicts.clear();
    this.verdicts.set(key, verdict);
    return verdict;
  }
}
