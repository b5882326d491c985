import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FieldNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { Sql } from 'postgres';
import { staffScope } from '@storegraph/schema';
import type { SubgraphRequestContext } from '../subgraph-server.ts';

export const AUDIT_MIGRATIONS = new URL('./migrations', import.meta.url);
export const AUDIT_TABLES = ['entries'] as const;

/**
 * Argument and result keys never written to the trail (they would make it a store of credentials). A TOTP code
 * sent to confirm enrolment is kept: it is spent once accepted and refused on replay. `pin$` covers pin, currentPin.
 */
const SECRET_KEY = /password|secret|token|^uri$|totp|pin$/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]));
  return value;
}

interface Attempt {
  id: string;
  alias: string;
  operation: string;
}

/** Codes that mean a rule said no (nothing was written), as opposed to a failure. */
const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'NOT_FOUND', 'NOT_IN_CHANNEL', 'CONFLICT']);

interface Entry {
  phase: 'ATTEMPT' | 'OUTCOME';
  attemptId: string;
  operation: string;
  arguments?: unknown;
  outcome?: 'OK' | 'REFUSED' | 'FAILED';
  result?: unknown;
  errorCode?: string | null;
}

/** One row: who and where from the context, what from the entry (JSON redacted of secrets). */
function insertEntry(db: Sql, subgraph: string, ctx: SubgraphRequestContext, e: Entry) {
  const staff = ctx.channel.staff!;
  // The columns keep their names: every permission and every channel the caller's grants hold; staff_grants keeps
  // the grants themselves (which permission where, and at which locations).
  const scope = staffScope(ctx.channel);
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(redact(v)));
  // Through JSON: the subgraphs' pools skip postgres.js's type lookup, which its array serialisation needs.
  const textArray = (xs: string[]) => db`array(select jsonb_array_elements_text(${JSON.stringify(xs)}::jsonb))`;
  return db`insert into audit.entries
      (phase, attempt_id, subgraph, operation, staff_id, staff_roles, staff_channels, staff_grants, channel, request_id, issuer, arguments, outcome, result, error_code)
    values (${e.phase}, ${e.attemptId}, ${subgraph}, ${e.operation}, ${staff.id}, ${textArray(scope.permissions)}, ${textArray(scope.channels)},
      ${JSON.stringify(staff.grants)}::jsonb, ${ctx.channel.channel}, ${ctx.requestId}, ${ctx.issuer}, ${json(e.arguments)}::jsonb, ${e.outcome ?? null}, ${json(e.result)}::jsonb, ${e.errorCode ?? null})`;
}
/** The root fields of a mutation with their arguments as the resolvers will see them. */
function rootFields(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  const type = schema.getMutationType();
  if (!type) return [];
  return operation.selectionSet.selections
    .filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value !== '__typename')
    .flatMap((node) => {
      const def = type.getFields()[node.name.value];
      return def ? [{ alias: node.alias?.value ?? node.name.value, field: node.name.value, args: getArgumentValues(def, node, variables) }] : [];
    });
}

/**
 * Records every staff mutation this subgraph serves: an ATTEMPT row (who, their roles and channels, the
 * channel, request id, the field and its arguments) inserted before execution starts, and an OUTCOME row (the
 * answer: the record after the write, or the error code) once it is known. Service contexts (svc-*, the
 * checkout acting with a role) are not staff and are not recorded. The rows are inserted on the subgraph's own
 * pool, outside the write's transaction: an attempt whose outcome never arrives (a crash in between) reads as
 * UNKNOWN, so the trail can show a write it is unsure of, never miss one.
 */
export function auditPlugin<TContext extends SubgraphRequestContext>(subgraph: string, sql: () => Sql | undefined): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let attempts: Attempt[] = [];
      return {
        async didResolveOperation({ operation, contextValue, schema, request }) {
          const staff = contextValue.channel?.staff;
          const db = sql();
          if (operation?.operation !== 'mutation' || !staff || contextValue.issuer.startsWith('svc-') || !db) return;
          const fields = rootFields(schema, operation, request.variables ?? {});
          attempts = fields.map((f) => ({ id: randomUUID(), alias: f.alias, operation: f.field }));
          // Awaited: no staff write starts before its attempt is on record (a failed insert refuses the request).
          for (const [i, f] of fields.entries())
            await insertEntry(db, subgraph, contextValue, { phase: 'ATTEMPT', attemptId: attempts[i]!.id, operation: f.field, arguments: f.args });
        },
        async willSendResponse({ response, contextValue }) {
          const db = sql();
          if (!attempts.length || !db || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          for (const a of attempts) {
            const error = errors?.find((e) => e.path?.[0] === a.alias);
            const code = error ? String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : null;
            const refused = code !== null && REFUSALS.has(code);
            const answer = (data as Record<string, unknown> | null | undefined)?.[a.alias];
            await insertEntry(db, subgraph, contextValue, {
              phase: 'OUTCOME',
              attemptId: a.id,
              operation: a.operation,
              outcome: code ? (refused ? 'REFUSED' : 'FAILED') : 'OK',
              result: error ? { message: error.message } : (answer ?? null),
              errorCode: code,
            }).catch((err) => contextValue.log.error({ err, attemptId: a.id }, 'audit outcome not recorded: the attempt reads as UNKNOWN'));
          }
        },
      };
    },
  };
}
