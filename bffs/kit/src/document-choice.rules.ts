import { createHash } from 'node:crypto';
import { getOperationAST, GraphQLError, Kind, parse, print, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { documentHash, normalFormHash, withTypenames } from './document-normal-form.ts';
import type { AllowedOperation } from './allow-list.ts';
import { documentLimitRefusal } from './document-limits.rules.ts';
import { EdgeCodes, refusal, type EdgeRefusal } from './edge-refusal.ts';
import type { GraphQLRequestBody } from './gateway-client.ts';
import { literalsRefusal } from './input-edge.rules.ts';

/** What the gateway is asked to run. */
export interface ChosenOperation {
  query: string;
  /** sha256 of the printed document: the allow-list's key and part of the cache key */
  hash: string;
  /** The operation to run, always one the document has (the gateway answered an unknown one with a 500). */
  operationName: string | undefined;
  kind: 'query' | 'mutation' | 'subscription';
}

/** The introspection query is about 400 tokens, our largest operation about 300: a bound on parsing work. */
const MAX_TOKENS = 5_000;

/** A document the allow-list runs, as the gateway is asked it. */
interface Listed {
  doc: DocumentNode;
  query: string;
  hash: string;
}

/** Hashes clients registered (automatic persisted queries) for documents the allow-list runs. */
const MAX_REGISTERED = 1_000;

/** Picks the document and the operation in it a request runs: from the allow-list, or ad hoc when allowed. */
export class DocumentChooser {
  private readonly byHash = new Map<string, Listed>();
  private readonly byName = new Map<string, Listed>();
  private readonly byNormalForm = new Map<string, Listed>();
  private readonly registered = new LRUCache<string, Listed>({ max: MAX_REGISTERED });

  constructor(
    allowList: Map<string, AllowedOperation>,
    private readonly bff: string,
    private readonly allowAdhoc: boolean,
  ) {
    for (const op of allowList.values()) {
      const doc = parse(op.query);
      const listed = { doc, query: op.query, hash: op.hash };
      this.byHash.set(op.hash, listed);
      this.byName.set(op.name, listed);
      this.byNormalForm.set(normalFormHash(doc), listed);
      // What Apollo Client's persisted-queries link sends first (its cache adds __typename): known at once.
      const typed = withTypenames(doc);
      const typedQuery = print(typed);
      this.byHash.set(documentHash(typed), { doc: typed, query: typedQuery, hash: documentHash(typed) });
    }
  }

  /**
   * An allowed document as the client wrote it: byte-identical after printing, or the same but for
   * whitespace, fragment order and `__typename` fields. The client's text is what runs, so the answer
   * has the `__typename` fields its cache asked for. A persisted-query hash sent with it is remembered.
   */
  private listed(doc: DocumentNode, query: string, hash: string, body: GraphQLRequestBody): Listed | undefined {
    const listed = this.byHash.get(hash) ?? (this.byNormalForm.has(normalFormHash(doc)) ? { doc, query, hash } : undefined);
    if (!listed) return undefined;
    const persisted = persistedHash(body);
    // Only a hash of this very text: a client cannot bind an allowed document to a hash of something else.
    if (persisted && persisted === createHash('sha256').update(query).digest('hex')) this.registered.set(persisted, listed);
    return listed;
  }

  choose(body: GraphQLRequestBody): ChosenOperation | EdgeRefusal {
    if (!body.query) {
      const persisted = persistedHash(body);
      const known = persisted
        ? (this.byHash.get(persisted) ?? this.registered.get(persisted))
        : body.operationName
          ? this.byName.get(body.operationName)
          : undefined;
      // The message Apollo's and urql's persisted-query links look for before retrying with the full text.
      if (!known) return refusal(400, EdgeCodes.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound');
      return resolveOperation(known.doc, known.query, known.hash, body.operationName);
    }
    let doc: DocumentNode;
    let hash: string;
    try {
      doc = parse(body.query, { maxTokens: MAX_TOKENS });
      hash = createHash('sha256').update(print(doc)).digest('hex');
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : 'the query could not be parsed';
      // graphql-js: "Document contains more that 5000 tokens. Parsing aborted."
      if (message.endsWith('tokens. Parsing aborted.')) {
        return refusal(400, EdgeCodes.QUERY_TOO_COMPLEX, message, { extensions: { limit: 'tokens', max: MAX_TOKENS } });
      }
      return refusal(400, EdgeCodes.GRAPHQL_PARSE_FAILED, message);
    }
    const listed = this.listed(doc, body.query, hash, body);
    if (listed) return resolveOperation(listed.doc, listed.query, listed.hash, body.operationName);
    // `{ __typename }` resolves nothing: clients and GraphQL-over-HTTP audits use it to check the endpoint.
    if (!this.allowAdhoc && !isTypenameProbe(doc)) return refusal(403, 'OPERATION_NOT_ALLOWED', `this operation is not on the ${this.bff} allow-list`);
    return documentLimitRefusal(doc, body.variables) ?? literalsRefusal(doc) ?? resolveOperation(doc, body.query, hash, body.operationName);
  }
}

function isTypenameProbe(doc: DocumentNode): boolean {
  return doc.definitions.every(
    (d) =>
      d.kind === Kind.OPERATION_DEFINITION &&
      d.operation === 'query' &&
      d.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value === '__typename' && !s.selectionSet),
  );
}

function persistedHash(body: GraphQLRequestBody): string | undefined {
  const hash = (body.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
}

/** GraphQL's own rule: the named operation, or the only one when none is named. */
function resolveOperation(doc: DocumentNode, query: string, hash: string, operationName: string | null | undefined): ChosenOperation | EdgeRefusal {
  const op = getOperationAST(doc, operationName);
  if (op) return { query, hash, operationName: op.name?.value, kind: op.operation };
  const operations = doc.definitions.filter((d) => d.kind === 'OperationDefinition').length;
  const message = operationName
    ? `the document has no operation named ${JSON.stringify(operationName.slice(0, 100))}`
    : operations === 0
      ? 'the document has no operation'
      : 'the document has several operations: name the one to run in operationName';
  return refusal(400, EdgeCodes.OPERATION_RESOLUTION_FAILURE, message);
}
