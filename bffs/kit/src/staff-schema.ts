import { readFileSync } from 'node:fs';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, execute, GraphQLError, Kind, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { Code } from '@storegraph/schema';
import { documentLimitRefusal } from './document-limits.rules.ts';
import type { EdgeRefusal } from './edge-refusal.ts';
import type { GraphQLRequestBody } from './gateway-client.ts';

/** The committed supergraph: what the gateway serves, so what staff explore is what runs. */
const SUPERGRAPH = new URL('../../../schema/supergraph.graphql', import.meta.url);

/** graphql's getIntrospectionQuery() is about 400 tokens; nothing larger is an introspection GraphiQL sends. */
const MAX_TOKENS = 2_000;

/**
 * The schema staff explore in GraphiQL on the admin BFF, in production. The gateway answers no introspection
 * there (GATEWAY_INTROSPECTION is off) and the BFF holds no schema for its allow-list, so the admin BFF builds
 * the API schema (the client-facing one: no federation internals, no @inaccessible) from the committed
 * supergraph once, and answers a signed-in staff member's introspection itself, without the gateway. Only
 * introspection: what staff run is still the allow-list, as anywhere else.
 */
export class StaffSchema {
  private schema?: GraphQLSchema;

  private api(): GraphQLSchema {
    // Through SDL text: federation-internals loads graphql's CommonJS build and this file its ES module build,
    // and graphql refuses a schema object made by the other one ("from another module or realm").
    this.schema ??= buildSchema(printSchema(Supergraph.build(readFileSync(SUPERGRAPH, 'utf8')).apiSchema()));
    return this.schema;
  }

  /** The request's document when it is a query of introspection fields only (`__schema`, `__type`); else null. */
  introspectionOf(body: GraphQLRequestBody): DocumentNode | null {
    if (!body.query) return null;
    let doc: DocumentNode;
    try {
      doc = parse(body.query, { maxTokens: MAX_TOKENS });
    } catch {
      return null;
    }
    const introspects = doc.definitions.every(
      (d) =>
        d.kind === Kind.FRAGMENT_DEFINITION ||
        (d.kind === Kind.OPERATION_DEFINITION &&
          d.operation === 'query' &&
          d.selectionSet.selections.every((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'))),
    );
    return introspects ? doc : null;
  }

  /** Answers it against the API schema, within the introspection depth bound the BFF applies to any document. */
  answer(doc: DocumentNode, body: GraphQLRequestBody): EdgeRefusal | ExecutionResult {
    const tooMuch = documentLimitRefusal(doc, body.variables);
    if (tooMuch) return tooMuch;
    const schema = this.api();
    const errors = validate(schema, doc);
    // The one error contract: a stable code on every error, as the gateway's validation errors carry.
    if (errors.length)
      return { errors: errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: Code.GRAPHQL_VALIDATION_FAILED } })) };
    return execute({ schema, document: doc, variableValues: body.variables, operationName: body.operationName }) as ExecutionResult;
  }
}
